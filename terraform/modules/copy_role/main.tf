# The role Redshift assumes for COPY: read-only on what COPY reads (the typed lake files and the COPY
# manifests, framework/lake/s3.py), never the raw landing files, nothing more.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# Confused-deputy guard. aws:SourceAccount is only in the request context when a service principal acts
# on behalf of a resource, and IAM's advice for keys that are present only in some requests is the
# ...IfExists operator (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount).
# Redshift does not document sending aws:SourceAccount when it assumes a COPY role, so a plain
# StringEquals could refuse every COPY; StringEqualsIfExists refuses another account's resources whenever
# the key is sent and never locks the pipeline out. aws:SourceArn is not pinned: the namespace's ARN
# carries an id generated at creation and the namespace lists this role (a dependency cycle), and an
# account-wide ARN pattern would add nothing to aws:SourceAccount.
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# COPY with a manifest reads the manifest (<prefix>/manifests/...) and the files it lists (<prefix>/lake/...,
# the rejects files included); GetObject and ListBucket are what COPY from S3 needs
# (https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html). No s3:GetObjectVersion:
# COPY reads the current version.
data "aws_iam_policy_document" "read_lake_prefix" {
  statement {
    sid     = "ReadLakeFilesAndManifests"
    actions = ["s3:GetObject"]
    resources = [
      "${var.bucket_arn}/${var.prefix}/lake/*",
      "${var.bucket_arn}/${var.prefix}/manifests/*",
    ]
  }
  statement {
    sid       = "ListLakeFilesAndManifests"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.prefix}/lake/*", "${var.prefix}/manifests/*"]
    }
  }
  statement {
    sid       = "LocateBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.bucket_arn]
  }
  # SSE-KMS objects: GetObject needs kms:Decrypt on the bucket's key
  # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html), only through S3
  # (kms:ViaService, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptLakeObjectsThroughS3"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "copy" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "read_lake_prefix" {
  name   = "read-lake-prefix"
  role   = aws_iam_role.copy.id
  policy = data.aws_iam_policy_document.read_lake_prefix.json
}
