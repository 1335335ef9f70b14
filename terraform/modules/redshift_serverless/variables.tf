variable "namespace_name" {
  description = "Redshift Serverless namespace."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9-]{3,64}$", var.namespace_name))
    error_message = "namespace_name: 3-64 lower-case letters, digits and hyphens."
  }
}

variable "workgroup_name" {
  description = "Redshift Serverless workgroup (pipeline.yml: targets.<name>.workgroup)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9-]{3,64}$", var.workgroup_name))
    error_message = "workgroup_name: 3-64 lower-case letters, digits and hyphens."
  }
}

variable "database" {
  description = "Database name (pipeline.yml: targets.<name>.database)."
  type        = string
  default     = "analytics"
  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,126}$", var.database))
    error_message = "database: a lower-case identifier."
  }
}

variable "admin_username" {
  description = "Admin user name (its password is generated and kept by Secrets Manager)."
  type        = string
  default     = "elt_admin"
}

variable "copy_role_arn" {
  description = "ARN of the role Redshift assumes for COPY from the lake."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the namespace's encryption; null uses an AWS-owned key (data is encrypted either way)."
  type        = string
  default     = null
}

variable "base_capacity" {
  description = "Base RPUs of the workgroup (8 to 512, in steps of 8)."
  type        = number
  default     = 8
  validation {
    condition     = var.base_capacity >= 8 && var.base_capacity <= 512 && var.base_capacity % 8 == 0
    error_message = "base_capacity must be 8 to 512 RPUs, a multiple of 8."
  }
}

variable "max_capacity" {
  description = "Upper bound of RPUs the workgroup may scale to."
  type        = number
  default     = 32
  validation {
    condition     = var.max_capacity >= 8 && var.max_capacity % 8 == 0
    error_message = "max_capacity must be at least 8 and a multiple of 8."
  }
}

variable "usage_limit_rpu_hours" {
  description = "RPU-hours per period after which the workgroup is deactivated (cost guard)."
  type        = number
  default     = 100
  validation {
    condition     = var.usage_limit_rpu_hours > 0
    error_message = "usage_limit_rpu_hours must be positive."
  }
}

variable "usage_limit_period" {
  description = "Period of the usage limit: daily, weekly or monthly."
  type        = string
  default     = "monthly"
  validation {
    condition     = contains(["daily", "weekly", "monthly"], var.usage_limit_period)
    error_message = "usage_limit_period must be daily, weekly or monthly."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the workgroup (at least three availability zones)."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 3
    error_message = "Redshift Serverless needs subnets in at least three availability zones."
  }
}

variable "security_group_ids" {
  description = "Security groups of the workgroup (inbound 5439 only from Airflow)."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
