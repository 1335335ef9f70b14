# The one root module: every environment applies this configuration with its own variables
# (envs/<environment>.tfvars) and its own state (envs/<environment>.s3.tfbackend). See README.md.
terraform {
  # 1.11: S3 native state locking (use_lockfile in envs/*.s3.tfbackend) is generally available and
  # variable validations may refer to other variables (1.9+).
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
  # Partial configuration, one state per environment:
  #   terraform init -reconfigure -backend-config=envs/<environment>.s3.tfbackend \
  #     -backend-config="bucket=<state bucket>" -backend-config="region=<region>"
  backend "s3" {}
}

# The backend chosen at `init` decides whose state is read, the var-file whose resources are planned.
# A mismatch (dev variables against prod state) would rename, i.e. destroy and recreate, the other
# environment's resources. The state remembers its environment here: another var.environment
# plans a replacement of this guard, which prevent_destroy turns into an error before anything
# changes. Tearing an environment down on purpose: `terraform state rm terraform_data.environment_guard`
# first, then `terraform destroy -var-file=envs/<environment>.tfvars`.
resource "terraform_data" "environment_guard" {
  triggers_replace = var.environment
  lifecycle {
    prevent_destroy = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { project = "elt", environment = var.environment, pipeline = var.pipeline }
  }
}

module "lake" {
  source                       = "./modules/lake_bucket"
  bucket_name                  = var.bucket_name
  prefix                       = var.pipeline
  kms_key_arn                  = var.kms_key_arn
  landing_retention_days       = var.landing_retention_days
  manifest_retention_days      = var.manifest_retention_days
  lake_noncurrent_version_days = var.lake_noncurrent_version_days
}

module "copy_role" {
  source      = "./modules/copy_role"
  role_name   = "${var.pipeline}-${var.environment}-redshift-copy"
  bucket_arn  = module.lake.bucket_arn
  prefix      = var.pipeline
  kms_key_arn = var.kms_key_arn
}

# Redshift names take hyphens, not the underscores a lower_snake_case pipeline name may have.
module "redshift" {
  source                     = "./modules/redshift_serverless"
  namespace_name             = "${replace(var.pipeline, "_", "-")}-${var.environment}"
  workgroup_name             = "${replace(var.pipeline, "_", "-")}-${var.environment}"
  database                   = var.database
  copy_role_arn              = module.copy_role.role_arn
  kms_key_arn                = var.kms_key_arn
  base_capacity              = var.base_capacity
  max_capacity               = var.max_capacity
  usage_limit_rpu_hours      = var.usage_limit_rpu_hours
  usage_limit_breach_action  = var.usage_limit_breach_action
  alarm_sns_topic_arn        = var.alarm_sns_topic_arn
  log_retention_days         = var.log_retention_days
  subnet_ids                 = var.subnet_ids
  security_group_ids         = var.security_group_ids
  s3_gateway_endpoint_id     = var.s3_gateway_endpoint_id
  create_s3_gateway_endpoint = var.create_s3_gateway_endpoint
  route_table_ids            = var.route_table_ids
}

module "airflow" {
  count                  = length(var.airflow_principal_arns) > 0 ? 1 : 0
  source                 = "./modules/airflow_identity"
  role_name              = "${var.pipeline}-${var.environment}-airflow"
  trusted_principal_arns = var.airflow_principal_arns
  bucket_arn             = module.lake.bucket_arn
  prefix                 = var.pipeline
  workgroup_arn          = module.redshift.workgroup_arn
  kms_key_arn            = var.kms_key_arn
}
