# Optional least-privilege identity for Airflow: the lake prefix, temporary database credentials on one workgroup.
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
    # The lake deletes one kind of object: the mark of an incomplete batch, when an ingest completes
    # the batch or a run passes it over (framework/lake: LakeRecords.write_batch_record, pass_over).
    sid       = "IncompleteBatchMarks"
    actions   = ["s3:DeleteObject"]
    resources = ["${var.bucket_arn}/${var.prefix}/lake/*/_batches/*.incomplete"]
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
  # No Data API actions: the framework connects with redshift_connector (IAM), never the Data API.
  statement {
    sid       = "TemporaryCredentials"
    actions   = ["redshift-serverless:GetCredentials"]
    resources = [var.workgroup_arn]
  }
  # SSE-KMS lake: reading an object needs kms:Decrypt, writing one kms:GenerateDataKey (and kms:Decrypt for
  # multipart uploads) on the bucket's key (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms),
  # only through S3 (kms:ViaService, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "LakeKeyThroughS3"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

data "aws_region" "current" {}

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
