# prod: a thin root wiring the modules; settings in terraform.tfvars, state in the backend below.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
  # Partial configuration: terraform init -backend-config="bucket=<state bucket>" -backend-config="key=elt/prod.tfstate"
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { project = "elt", environment = "prod", pipeline = var.pipeline }
  }
}

module "lake" {
  source                 = "../../modules/lake_bucket"
  bucket_name            = var.bucket_name
  prefix                 = var.pipeline
  kms_key_arn            = var.kms_key_arn
  landing_retention_days = var.landing_retention_days
}

module "copy_role" {
  source     = "../../modules/copy_role"
  role_name  = "${var.pipeline}-prod-redshift-copy"
  bucket_arn = module.lake.bucket_arn
  prefix     = var.pipeline
}

module "redshift" {
  source                = "../../modules/redshift_serverless"
  namespace_name        = "${var.pipeline}-prod"
  workgroup_name        = "${var.pipeline}-prod"
  database              = var.database
  copy_role_arn         = module.copy_role.role_arn
  kms_key_arn           = var.kms_key_arn
  base_capacity         = var.base_capacity
  max_capacity          = var.max_capacity
  usage_limit_rpu_hours = var.usage_limit_rpu_hours
  subnet_ids            = var.subnet_ids
  security_group_ids    = var.security_group_ids
}

module "airflow" {
  count                  = length(var.airflow_principal_arns) > 0 ? 1 : 0
  source                 = "../../modules/airflow_identity"
  role_name              = "${var.pipeline}-prod-airflow"
  trusted_principal_arns = var.airflow_principal_arns
  bucket_arn             = module.lake.bucket_arn
  prefix                 = var.pipeline
  workgroup_arn          = module.redshift.workgroup_arn
}
