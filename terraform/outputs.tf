# Everything the framework needs; `python terraform/outputs_to_settings.py` turns these into
# the pipeline's redshift target, the COPY role variable and Airflow connections.
output "environment" {
  description = "Environment whose state this is (check it after switching backends)."
  value       = var.environment
}

output "pipeline" {
  description = "Pipeline name."
  value       = var.pipeline
}

output "region" {
  description = "AWS region."
  value       = var.region
}

output "bucket" {
  description = "Lake bucket."
  value       = module.lake.bucket
}

output "prefix" {
  description = "The pipeline's prefix in the lake."
  value       = var.pipeline
}

output "copy_role_arn" {
  description = "Role Redshift assumes for COPY."
  value       = module.copy_role.role_arn
}

output "workgroup" {
  description = "Redshift Serverless workgroup."
  value       = module.redshift.workgroup
}

output "database" {
  description = "Warehouse database."
  value       = module.redshift.database
}

output "endpoint" {
  description = "Workgroup endpoint host."
  value       = module.redshift.endpoint
}

output "port" {
  description = "Workgroup endpoint port."
  value       = module.redshift.port
}

output "airflow_role_arn" {
  description = "Role for Airflow's AWS connection, when created."
  value       = length(module.airflow) > 0 ? module.airflow[0].role_arn : null
}

output "s3_gateway_endpoint_id" {
  description = "S3 gateway endpoint giving COPY its route to S3."
  value       = module.redshift.s3_gateway_endpoint_id
}
