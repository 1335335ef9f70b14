output "workgroup" {
  description = "Workgroup name."
  value       = aws_redshiftserverless_workgroup.this.workgroup_name
}

output "database" {
  description = "Database name."
  value       = aws_redshiftserverless_namespace.this.db_name
}

output "endpoint" {
  description = "Host name of the workgroup's endpoint (private)."
  value       = aws_redshiftserverless_workgroup.this.endpoint[0].address
}

output "port" {
  description = "Port of the workgroup's endpoint."
  value       = aws_redshiftserverless_workgroup.this.endpoint[0].port
}

output "admin_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the admin password (read it there; never copy it)."
  value       = aws_redshiftserverless_namespace.this.admin_password_secret_arn
}

output "workgroup_arn" {
  description = "ARN of the workgroup (for IAM policies)."
  value       = aws_redshiftserverless_workgroup.this.arn
}

output "s3_gateway_endpoint_id" {
  description = "The S3 gateway endpoint that gives COPY its route to S3 (created here or given)."
  value       = var.create_s3_gateway_endpoint ? aws_vpc_endpoint.s3[0].id : data.aws_vpc_endpoint.s3[0].id
}

output "usage_alarm_arn" {
  description = "ARN of the CloudWatch alarm on the workgroup's daily RPU-hours."
  value       = aws_cloudwatch_metric_alarm.daily_rpu_hours.arn
}
