variable "role_name" {
  description = "Name of the IAM role Redshift assumes for COPY."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name (1-64 characters)."
  }
}

variable "bucket_arn" {
  description = "ARN of the lake bucket."
  type        = string
  validation {
    condition     = startswith(var.bucket_arn, "arn:aws:s3:::")
    error_message = "bucket_arn must be an S3 bucket ARN."
  }
}

variable "prefix" {
  description = "The pipeline's lake prefix (no leading or trailing slash): the role reads its lake/ and manifests/ keys."
  type        = string
  validation {
    condition     = length(var.prefix) > 0 && !startswith(var.prefix, "/") && !endswith(var.prefix, "/")
    error_message = "prefix must be non-empty, without leading or trailing slashes: the role never reads the whole bucket."
  }
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
