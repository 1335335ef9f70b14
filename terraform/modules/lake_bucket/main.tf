# The lake bucket: private, encrypted, versioned, TLS-only; raw landing files and COPY manifests expire, old lake versions too.
resource "aws_s3_bucket" "lake" {
  #checkov:skip=CKV_AWS_18:Object-level audit is the account's CloudTrail S3 data events; a server-access-log bucket is account-wide infrastructure, not this module's.
  #checkov:skip=CKV_AWS_144:Versioning guards against overwrites and deletes; a second-region copy doubles storage and is a per-account DR decision (COPY reads the lake in the workgroup's region).
  #checkov:skip=CKV2_AWS_62:Nothing consumes S3 events: Airflow schedules the loads and the file ledger decides which lake files are new.
  bucket        = var.bucket_name
  force_destroy = false
  tags          = var.tags
}

resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket                  = aws_s3_bucket.lake.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.lake.arn,
      "${aws_s3_bucket.lake.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "lake" {
  bucket = aws_s3_bucket.lake.id
  policy = data.aws_iam_policy_document.tls_only.json
}

# Lifecycle per key layout (framework/lake/s3.py: <prefix>/landing, <prefix>/lake, <prefix>/manifests), rules
# by prefix filter (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html). In a
# versioned bucket an expiration leaves a noncurrent version behind, which noncurrent_version_expiration
# removes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html).
resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    id     = "expire-raw-landing"
    status = "Enabled"
    filter {
      prefix = "${var.prefix}/landing/"
    }
    expiration {
      days = var.landing_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
  # A COPY manifest lists the files of one load and is read by that load only: kept N days for inspection.
  rule {
    id     = "expire-copy-manifests"
    status = "Enabled"
    filter {
      prefix = "${var.prefix}/manifests/"
    }
    expiration {
      days = var.manifest_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }
  # The typed lake is kept; versioning guards it against overwrites and deletes, and the versions an
  # overwrite or delete leaves behind go after N days instead of piling up forever.
  rule {
    id     = "expire-noncurrent-lake-versions"
    status = "Enabled"
    filter {
      prefix = "${var.prefix}/lake/"
    }
    noncurrent_version_expiration {
      noncurrent_days = var.lake_noncurrent_version_days
    }
  }
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}
