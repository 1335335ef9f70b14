output "role_arn" {
  description = "ARN of the COPY role (the pipeline reads it from the environment variable named in pipeline.yml)."
  value       = aws_iam_role.copy.arn
}
