# Optional least-privilege identity for Airflow: the lake prefix, the Data API on one workgroup.
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = var.trusted_principal_arns
    }
  }
}

data "aws_iam_policy_document" "airflow" {
  statement {
    sid       = "LakeObjects"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.bucket_arn}/${var.prefix}/*"]
  }
  statement {
    # Covers the lake's listings (`<prefix>/lake/...`, `<prefix>/landing/`) and S3's own check on
    # HEAD/GET of a missing key, which answers 404 instead of 403 only when listing is allowed.
    # HeadBucket carries no s3:prefix and is denied: the lake never calls it.
    sid       = "ListLakePrefix"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.prefix}/*"]
    }
  }
  statement {
    sid       = "DataApiOnWorkgroup"
    actions   = ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"]
    resources = [var.workgroup_arn]
  }
  statement {
    sid       = "DataApiResults"
    actions   = ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"]
    resources = [var.workgroup_arn]
  }
  statement {
    sid       = "TemporaryCredentials"
    actions   = ["redshift-serverless:GetCredentials"]
    resources = [var.workgroup_arn]
  }
}

resource "aws_iam_role" "airflow" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "airflow" {
  name   = "elt-airflow"
  role   = aws_iam_role.airflow.id
  policy = data.aws_iam_policy_document.airflow.json
}
