variable "environment" {
  description = "Environment (dev, prod, ...): in every resource name and tag. Set by envs/<environment>.tfvars; the backend must be initialised with the matching envs/<environment>.s3.tfbackend."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lower-case letters or digits starting with a letter, e.g. dev or prod."
  }
}

variable "region" {
  description = "AWS region of the lake and the warehouse (Parquet COPY needs both in one region)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "pipeline" {
  description = "Pipeline name (pipeline.yml: name); also the lake prefix."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.pipeline))
    error_message = "pipeline must be the lower_snake_case name from pipeline.yml."
  }
}

variable "bucket_name" {
  description = "Lake bucket name (pipeline.yml: targets.<name>.s3_bucket)."
  type        = string
}

variable "database" {
  description = "Warehouse database name."
  type        = string
  default     = "analytics"
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN for the lake bucket (SSE-KMS), the namespace and the audit log groups; null: SSE-S3 and AWS-owned keys. The COPY and Airflow roles get kms:Decrypt (and Airflow kms:GenerateDataKey) on it through S3; its key policy must allow CloudWatch Logs (see README)."
  type        = string
  default     = null
}

variable "landing_retention_days" {
  description = "Days raw landing files are kept."
  type        = number
  default     = 90
}

variable "manifest_retention_days" {
  description = "Days COPY manifests are kept."
  type        = number
  default     = 30
}

variable "lake_noncurrent_version_days" {
  description = "Days an overwritten or deleted lake file stays recoverable."
  type        = number
  default     = 30
}

variable "base_capacity" {
  description = "Base RPUs (8-512, multiples of 8)."
  type        = number
  default     = 8
}

variable "max_capacity" {
  description = "Maximum RPUs."
  type        = number
  default     = 32
}

variable "usage_limit_rpu_hours" {
  description = "Monthly RPU-hours at which the usage limit acts (usage_limit_breach_action); a daily alarm fires above a 30th of it."
  type        = number
  default     = 150
}

variable "usage_limit_breach_action" {
  description = "log (default: a row in SYS_QUERY_HISTORY, the loads go on), emit-metric, or deactivate (user queries off until next month: choose it only where stopping beats paying)."
  type        = string
  default     = "log"
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the daily RPU-hours alarm; null: the alarm shows in CloudWatch only."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days the workgroup's audit logs are kept in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "subnet_ids" {
  description = "Private subnets (three availability zones) for the workgroup."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups for the workgroup."
  type        = list(string)
}

variable "s3_gateway_endpoint_id" {
  description = "The VPC's S3 gateway endpoint on the route tables of subnet_ids (COPY's route to S3 under enhanced VPC routing); leave null only with create_s3_gateway_endpoint = true."
  type        = string
  default     = null
}

variable "create_s3_gateway_endpoint" {
  description = "Create the S3 gateway endpoint on route_table_ids instead (a VPC without one)."
  type        = bool
  default     = false
}

variable "route_table_ids" {
  description = "Route tables of subnet_ids: required to create the endpoint; with s3_gateway_endpoint_id, checked to be covered by it."
  type        = list(string)
  default     = []
}

variable "airflow_principal_arns" {
  description = "Principals (e.g. the Airflow workers' role) that may assume the Airflow role; empty: no role is created."
  type        = list(string)
  default     = []
}
