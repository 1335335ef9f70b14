variable "bucket_name" {
  description = "Name of the lake bucket (globally unique, lower case)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lower-case letters, digits, dots or hyphens."
  }
}

variable "prefix" {
  description = "Key prefix of the pipeline inside the bucket (no leading or trailing slash)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.prefix))
    error_message = "prefix must be path segments without leading or trailing slashes."
  }
}

variable "kms_key_arn" {
  description = "KMS key for server-side encryption; null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "landing_retention_days" {
  description = "Days raw landing files are kept (the typed lake files are kept)."
  type        = number
  default     = 90
  validation {
    condition     = var.landing_retention_days >= 7
    error_message = "Keep landing files at least 7 days so failed batches can be re-ingested."
  }
}

variable "manifest_retention_days" {
  description = "Days the COPY manifests (<prefix>/manifests/) are kept; each is read only by the load that wrote it."
  type        = number
  default     = 30
  validation {
    condition     = var.manifest_retention_days >= 1
    error_message = "manifest_retention_days must be at least 1."
  }
}

variable "lake_noncurrent_version_days" {
  description = "Days an overwritten or deleted lake file (<prefix>/lake/) stays recoverable as a noncurrent version."
  type        = number
  default     = 30
  validation {
    condition     = var.lake_noncurrent_version_days >= 1
    error_message = "lake_noncurrent_version_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
