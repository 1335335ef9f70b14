"""Resolved target settings → an open warehouse session and its lake, ready for the runner.

local     DuckDB file + lake folder (one writer at a time: DuckDB's rule)
postgres  psycopg session + lake folder (files streamed in with COPY FROM STDIN)
redshift  redshift_connector session (IAM, Serverless) + S3 lake (COPY from a manifest)

Secrets never come from YAML: AWS credentials from the standard boto3 chain (or the Airflow
connections, in a DAG), the PostgreSQL password from the variable named by `password_env`,
the COPY role's ARN from the variable named by `iam_role_arn_env`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from framework.errors import ConfigError, EltError, TerminalWarehouseError, WarehouseError, WarehouseUnreachable
from framework.execute.retry import NO_RETRY, RetryPolicy
from framework.execute.session import Session
from framework.lake import Lake
from framework.settings import LocalSettings, PostgresSettings, RedshiftSettings, TargetSettings


@dataclass
class OpenWarehouse:
    session: Session  # what the executor talks to
    lake: Lake
    label: str  # where the data went, for people
    iam_role: str | None = None
    retry: RetryPolicy = NO_RETRY

    def close(self) -> None:
        self.session.close()


def claim_warehouse(opened: OpenWarehouse, pipeline: str, exclusive: bool) -> None:
    """Hold the pipeline's run lock where the warehouse has one (PostgreSQL; DuckDB allows one
    writer by itself; Redshift has no session lock), or refuse: a second `elt run` of the
    pipeline while one runs, a DAG's step while an `elt run` runs, or an `elt run` during a DAG run."""
    from framework.errors import WarehouseBusy
    from framework.execute.session import ClaimsRuns

    session = opened.session
    if isinstance(session, ClaimsRuns) and not session.claim_run(pipeline, exclusive):
        raise WarehouseBusy(
            f"{opened.label} is in use by another run of pipeline '{pipeline}': a second run is refused (it "
            "would interleave with the first); run it again when that one ends"
        )


class WarehouseSettingsError(ConfigError):
    """The target's configuration is incomplete: retrying cannot help."""


def lake_for(settings: TargetSettings) -> Lake:
    """The lake a target writes and loads: a folder, or the S3 bucket and prefix."""
    if isinstance(settings, RedshiftSettings):
        from framework.lake.s3 import S3Lake

        return S3Lake.from_settings(settings.s3_bucket, settings.s3_prefix, settings.region)
    from framework.lake.local import LocalLake

    return LocalLake(settings.lake)


def redshift_credential_arguments(credentials: Any) -> dict[str, str]:
    """redshift_connector's explicit AWS credential arguments for `credentials` (a botocore
    ReadOnlyCredentials): a DAG task hands the driver its AWS connection's, as the CLI's
    connect_redshift hands it the boto3 chain's — one rule for who the warehouse sees."""
    from framework.execute.redshift import credential_arguments

    return credential_arguments(credentials)


def open_warehouse(
    settings: TargetSettings,
    *,
    wait_seconds: float = 0.0,
    read_only: bool = False,
    lake: Lake | None = None,
    redshift_connect: Callable[[], Any] | None = None,
) -> OpenWarehouse:
    """`lake` and `redshift_connect` replace the defaults (in a DAG: from the Airflow connections).
    `read_only` (a command that only reads) opens a DuckDB file beside other readers.
    A server that cannot be reached raises WarehouseUnreachable (transient); one that refuses the
    session for good (the server's terminal answer, e.g. authentication) a TerminalWarehouseError."""
    if isinstance(settings, LocalSettings):
        from framework.execute.duckdb import connect_duckdb

        return OpenWarehouse(
            connect_duckdb(
                settings.database,
                wait_seconds,
                memory_limit=settings.duckdb_memory,
                threads=settings.threads,
                read_only=read_only,
            ),
            lake or lake_for(settings),
            settings.label,
        )
    try:
        return _open_server(settings, lake, redshift_connect)
    except Exception as err:  # the driver's words on one line (they never carry the password)
        if isinstance(err, EltError) and not isinstance(err, WarehouseError):
            raise  # the settings or the lake: their own message
        reason = " ".join(str(err).split())[:300]
        if not isinstance(err, WarehouseError):  # not the driver's (e.g. the AWS credentials chain)
            reason = f"{type(err).__name__}: {reason}"
        family = TerminalWarehouseError if isinstance(err, TerminalWarehouseError) else WarehouseUnreachable
        raise family(
            f"cannot connect to target '{settings.name}' ({settings.type}): {reason}{_unset(settings)}"
        ) from err


def _unset(settings: PostgresSettings | RedshiftSettings) -> str:
    """A hint when the variable that should hold the PostgreSQL password is not set."""
    variable = settings.password_env if isinstance(settings, PostgresSettings) else None
    if variable and variable not in os.environ:
        return f" (the environment variable {variable}, password_env of target '{settings.name}', is not set)"
    return ""


def _open_server(
    settings: PostgresSettings | RedshiftSettings, lake: Lake | None, redshift_connect: Callable[[], Any] | None
) -> OpenWarehouse:
    if isinstance(settings, PostgresSettings):
        from framework.execute.postgres import connect_postgres

        return OpenWarehouse(
            connect_postgres(settings), lake or lake_for(settings), settings.label, retry=RetryPolicy()
        )
    from framework.execute.redshift import connect_redshift

    role = os.environ.get(settings.iam_role_arn_env)
    if not role:
        raise WarehouseSettingsError(
            f"the environment variable {settings.iam_role_arn_env} (iam_role_arn_env of "
            f"target '{settings.name}') is not set: it holds the ARN of the role "
            "Redshift assumes for COPY (see `terraform output copy_role_arn`)"
        )
    return OpenWarehouse(
        connect_redshift(settings, connect=redshift_connect),
        lake or lake_for(settings),
        settings.label,
        iam_role=role,
        retry=RetryPolicy(),
    )
