# Redshift Serverless: encrypted, not publicly accessible, TLS-only, admin password kept by Secrets Manager,
# audit logs with a retention, a usage limit that records (or, if chosen, deactivates) and an alarm on daily use.

# Audit logs go to CloudWatch Logs group /aws/redshift/<namespace>/<log_type>; a group created beforehand
# is used as is, otherwise Redshift creates one that never expires
# (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html).
locals {
  log_exports = ["userlog", "connectionlog", "useractivitylog"]
}

resource "aws_cloudwatch_log_group" "audit" {
  for_each          = toset(local.log_exports)
  name              = "/aws/redshift/${var.namespace_name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_redshiftserverless_namespace" "this" {
  namespace_name        = var.namespace_name
  db_name               = var.database
  admin_username        = var.admin_username
  manage_admin_password = true # the password lives in AWS Secrets Manager, never in state or YAML
  kms_key_id            = var.kms_key_arn
  iam_roles             = [var.copy_role_arn]
  default_iam_role_arn  = var.copy_role_arn
  log_exports           = local.log_exports
  tags                  = var.tags
  depends_on            = [aws_cloudwatch_log_group.audit] # the groups exist, with their retention, before the first export
}

resource "aws_redshiftserverless_workgroup" "this" {
  workgroup_name       = var.workgroup_name
  namespace_name       = aws_redshiftserverless_namespace.this.namespace_name
  base_capacity        = var.base_capacity
  max_capacity         = var.max_capacity
  publicly_accessible  = false
  enhanced_vpc_routing = true # COPY's S3 traffic stays in the VPC: see s3_endpoint.tf for its route to S3
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  # Only TLS connections (Security Hub RedshiftServerless.2,
  # https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html#redshiftserverless-2).
  config_parameter {
    parameter_key   = "require_ssl"
    parameter_value = "true"
  }
  tags = var.tags
}

# A usage limit acts once the period's RPU-hours reach the amount: log (to SYS_QUERY_HISTORY), emit-metric,
# or deactivate (turn off user queries until the next period)
# (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-max-rpu.html). Deactivate stops the
# production loads, so it is never the default.
resource "aws_redshiftserverless_usage_limit" "compute" {
  resource_arn  = aws_redshiftserverless_workgroup.this.arn
  usage_type    = "serverless-compute"
  period        = var.usage_limit_period
  amount        = var.usage_limit_rpu_hours
  breach_action = var.usage_limit_breach_action
}

# Early warning: a day using more than its share of the period's limit. ComputeSeconds (AWS/Redshift-Serverless,
# dimension Workgroup) is the workgroup's accumulated RPU-seconds
# (https://docs.aws.amazon.com/redshift/latest/mgmt/metrics-listing.html, Amazon Redshift Serverless metrics).
# An alarm sees at most seven days (Period x EvaluationPeriods <= 604,800 s,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html), never a month,
# so it compares each day with the day's share.
locals {
  days_per_period = { daily = 1, weekly = 7, monthly = 30 }
  daily_rpu_hours = var.usage_limit_rpu_hours / local.days_per_period[var.usage_limit_period]
}

resource "aws_cloudwatch_metric_alarm" "daily_rpu_hours" {
  alarm_name          = "${var.workgroup_name}-daily-rpu-hours"
  alarm_description   = "Workgroup ${var.workgroup_name} used more than ${format("%.1f", local.daily_rpu_hours)} RPU-hours in a day (its usage limit is ${var.usage_limit_rpu_hours} RPU-hours ${var.usage_limit_period}, breach action ${var.usage_limit_breach_action})."
  namespace           = "AWS/Redshift-Serverless"
  metric_name         = "ComputeSeconds"
  dimensions          = { Workgroup = aws_redshiftserverless_workgroup.this.workgroup_name }
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.daily_rpu_hours * 3600 # RPU-seconds
  treat_missing_data  = "notBreaching"               # no queries, no datapoint
  alarm_actions       = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  ok_actions          = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  tags                = var.tags
}
