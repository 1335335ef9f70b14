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
  description = "RPU-hours per period at which the usage limit acts (usage_limit_breach_action); above the expected use."
  type        = number
  default     = 150
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

variable "usage_limit_breach_action" {
  description = "What the usage limit does when reached: log (a row in SYS_QUERY_HISTORY), emit-metric, or deactivate (user queries off until the next period: the loads stop)."
  type        = string
  default     = "log"
  validation {
    condition     = contains(["log", "emit-metric", "deactivate"], var.usage_limit_breach_action)
    error_message = "usage_limit_breach_action must be log, emit-metric or deactivate."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic notified when a day uses more than its share of the usage limit (and when it recovers); null: the alarm only shows in CloudWatch."
  type        = string
  default     = null
  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN or null."
  }
}

variable "log_retention_days" {
  description = "Days the audit logs (connection, user, user activity) are kept in CloudWatch Logs."
  type        = number
  default     = 365
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, ... 3653)."
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

variable "s3_gateway_endpoint_id" {
  description = "Existing S3 gateway endpoint (vpce-...) on the route tables of the workgroup's subnets; or null with create_s3_gateway_endpoint = true."
  type        = string
  default     = null
  validation {
    condition     = var.s3_gateway_endpoint_id == null || can(regex("^vpce-[0-9a-f]{8,17}$", var.s3_gateway_endpoint_id))
    error_message = "s3_gateway_endpoint_id must look like vpce-0123456789abcdef0."
  }
  validation {
    condition     = (var.s3_gateway_endpoint_id != null) != var.create_s3_gateway_endpoint
    error_message = "COPY needs a route to S3 (enhanced VPC routing): set exactly one of s3_gateway_endpoint_id (an existing S3 gateway endpoint) and create_s3_gateway_endpoint = true (with route_table_ids)."
  }
}

variable "create_s3_gateway_endpoint" {
  description = "Create an S3 gateway endpoint on route_table_ids (only when the VPC has none: a route table takes one S3 gateway endpoint)."
  type        = bool
  default     = false
}

variable "route_table_ids" {
  description = "Route tables of the workgroup's subnets: where a created endpoint is attached, and what an existing one is checked to cover."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for id in var.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", id))])
    error_message = "route_table_ids must look like rtb-0123456789abcdef0."
  }
  validation {
    condition     = !var.create_s3_gateway_endpoint || length(var.route_table_ids) > 0
    error_message = "create_s3_gateway_endpoint needs route_table_ids: the route tables of the workgroup's subnets."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
