# Redshift Serverless: encrypted, not publicly accessible, admin password kept by Secrets Manager.
resource "aws_redshiftserverless_namespace" "this" {
  namespace_name        = var.namespace_name
  db_name               = var.database
  admin_username        = var.admin_username
  manage_admin_password = true # the password lives in AWS Secrets Manager, never in state or YAML
  kms_key_id            = var.kms_key_arn
  iam_roles             = [var.copy_role_arn]
  default_iam_role_arn  = var.copy_role_arn
  log_exports           = ["userlog", "connectionlog", "useractivitylog"]
  tags                  = var.tags
}

resource "aws_redshiftserverless_workgroup" "this" {
  workgroup_name       = var.workgroup_name
  namespace_name       = aws_redshiftserverless_namespace.this.namespace_name
  base_capacity        = var.base_capacity
  max_capacity         = var.max_capacity
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  tags                 = var.tags
}

resource "aws_redshiftserverless_usage_limit" "compute" {
  resource_arn  = aws_redshiftserverless_workgroup.this.arn
  usage_type    = "serverless-compute"
  period        = var.usage_limit_period
  amount        = var.usage_limit_rpu_hours
  breach_action = "deactivate"
}
