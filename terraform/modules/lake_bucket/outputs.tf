output "bucket" {
  description = "The lake bucket's name."
  value       = aws_s3_bucket.lake.bucket
}

output "bucket_arn" {
  description = "The lake bucket's ARN."
  value       = aws_s3_bucket.lake.arn
}
