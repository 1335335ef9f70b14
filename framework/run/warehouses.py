"""A pipeline.yml target → an open warehouse session and its lake, ready for the runner.

local     DuckDB file + lake folder (one writer at a time: DuckDB's rule)
postgres  psycopg session + lake folder (files streamed in with COPY FROM STDIN)
redshift  redshift_connector session (IAM, Serverless) + S3 lake (COPY from a manifest)

Secrets never come from YAML: AWS credentials from the standard boto3 chain (or the Airflow
connections, in a DAG), the PostgreSQL password from the variable named by `password_env`,
the COPY role's ARN from the variable named by `iam_role_arn_env`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from framework.execute.retry import NO_RETRY, RetryPolicy


@dataclass
class OpenWarehouse:
    session: Any  # what the executor talks to (DuckDB's connection interface)
    lake: Any
    label: str  # where the data went, for people
    iam_role: str | None = None
    retry: RetryPolicy = NO_RETRY

    def close(self) -> None:
        self.session.close()


class WarehouseSettingsError(ValueError):
    """The target's configuration is incomplete: retrying cannot help."""


class WarehouseUnreachable(WarehouseSettingsError):
    """The warehouse did not answer (network, credentials, capacity): a later try may work."""


def lake_for(settings, lake_dir: str | None = None):
    """The lake a target writes and loads: a folder, or the S3 bucket and prefix."""
    if settings.type == "redshift":
        from framework.lake.s3 import S3Lake

        return S3Lake.from_settings(
            settings.s3_bucket, getattr(settings, "s3_prefix", "") or "", getattr(settings, "region", None)
        )
    from framework.lake.local import LocalLake

    return LocalLake(lake_dir or settings.lake)


def open_warehouse(
    settings,
    *,
    database: str | None = None,
    lake_dir: str | None = None,
    wait_seconds: float = 0.0,
    lake=None,
    redshift_connect=None,
) -> OpenWarehouse:
    """`lake` and `redshift_connect` replace the defaults (in a DAG: from the Airflow connections)."""
    if settings.type == "local":
        return _open(settings, database, lake_dir, wait_seconds, lake, redshift_connect)
    try:
        return _open(settings, database, lake_dir, wait_seconds, lake, redshift_connect)
    except WarehouseSettingsError:
        raise
    except Exception as err:  # the driver's words on one line (they never carry the password)
        reason = " ".join(str(err).split())[:300]
        raise WarehouseUnreachable(
            f"cannot connect to target '{settings.name}' ({settings.type}): {type(err).__name__}: {reason}"
        ) from None


def _open(settings, database, lake_dir, wait_seconds, lake, redshift_connect) -> OpenWarehouse:
    if settings.type == "local":
        from framework.run.runner import connect_duckdb

        path = database or settings.database
        return OpenWarehouse(connect_duckdb(path, wait_seconds), lake or lake_for(settings, lake_dir), path)
    if settings.type == "postgres":
        from framework.execute.postgres import connect_postgres

        label = (
            f"postgresql://{getattr(settings, 'host', 'localhost')}:{getattr(settings, 'port', 5432)}/{settings.dbname}"
        )
        return OpenWarehouse(
            connect_postgres(settings), lake or lake_for(settings, lake_dir), label, retry=RetryPolicy()
        )
    if settings.type == "redshift":
        from framework.execute.redshift import connect_redshift

        role = os.environ.get(settings.iam_role_arn_env)
        if not role:
            raise WarehouseSettingsError(
                f"the environment variable {settings.iam_role_arn_env} (iam_role_arn_env of "
                f"target '{settings.name}') is not set: it holds the ARN of the role "
                "Redshift assumes for COPY (see `terraform output copy_role_arn`)"
            )
        label = f"redshift-serverless://{settings.workgroup}/{settings.database}"
        return OpenWarehouse(
            connect_redshift(settings, connect=redshift_connect),
            lake or lake_for(settings),
            label,
            iam_role=role,
            retry=RetryPolicy(),
        )
    raise WarehouseSettingsError(f"target type {settings.type!r} cannot be run")
