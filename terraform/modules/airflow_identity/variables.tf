variable "role_name" {
  description = "Name of the role Airflow assumes."
  type        = string
}

variable "trusted_principal_arns" {
  description = "Principals allowed to assume the role (e.g. the Airflow workers' role)."
  type        = list(string)
  validation {
    condition     = length(var.trusted_principal_arns) > 0 && !contains(var.trusted_principal_arns, "*")
    error_message = "Name the principals that may assume the role; '*' is not allowed."
  }
}

variable "bucket_arn" {
  description = "ARN of the lake bucket."
  type        = string
}

variable "prefix" {
  description = "The pipeline's prefix in the lake."
  type        = string
}

variable "workgroup_arn" {
  description = "ARN of the Redshift Serverless workgroup."
  type        = string
}

variable "kms_key_arn" {
  description = "The lake bucket's SSE-KMS key; null (SSE-S3) grants no KMS permission."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
