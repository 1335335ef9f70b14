"""A DAG task's Redshift connection: the provider's RedshiftSQLHook, authenticated as the target's
AWS connection (`aws_conn_id`), never as the worker's default credentials. Imported by a task
when it runs, never when a DAG file is parsed.

Why a subclass (apache-airflow-providers-amazon 9.39, hooks/redshift_sql.py):
- the hook takes `aws_conn_id` from its constructor only (line 98, default `aws_default`), never
  from the Redshift connection's extra;
- with `iam` in the extra, `get_iam_token` fetches a password through that AWS connection
  (lines 158-159), but `get_conn` then passes every extra key to `redshift_connector.connect`
  (line 271) — `iam` included — and the driver, seeing `iam`, authenticates again with its own
  credential lookup: the boto3 default chain unless access keys are given (redshift_connector
  2.2 iam_helper.py line 174, AWSCredentialsProvider).
So the driver is also handed the AWS connection's credentials — AwsBaseHook.get_credentials()
(base_aws.py line 857), which assumes the connection's `role_arn` — as its documented
access_key_id / secret_access_key / session_token. `get_conn` itself (and its retries) is the
provider's.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
from airflow.providers.amazon.aws.hooks.redshift_sql import RedshiftSQLHook

from framework.run.warehouses import redshift_credential_arguments


class AwsConnectionRedshiftHook(RedshiftSQLHook):
    """RedshiftSQLHook whose IAM connections authenticate as `aws_conn_id` end to end."""

    def _get_conn_params(self) -> dict[str, Any]:
        params: dict[str, Any] = dict(super()._get_conn_params())
        if self.conn.extra_dejson.get("iam", False):  # the same switch as the provider's
            credentials = AwsBaseHook(aws_conn_id=self.aws_conn_id).get_credentials()
            params.update(redshift_credential_arguments(credentials))
        return params


def redshift_hook(settings) -> AwsConnectionRedshiftHook:
    """The hook for a RedshiftSettings target: its Redshift connection, its AWS connection."""
    return AwsConnectionRedshiftHook(redshift_conn_id=settings.redshift_conn_id, aws_conn_id=settings.aws_conn_id)
