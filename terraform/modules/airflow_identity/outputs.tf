output "role_arn" {
  description = "ARN of the role for Airflow's AWS connection (role_arn in the connection extra)."
  value       = aws_iam_role.airflow.arn
}
