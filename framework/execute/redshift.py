"""Redshift (Serverless) sessions: redshift_connector over IAM, COPY failures explained.

Identity: the driver is always handed the AWS credentials to sign its IAM call with (CLI: the
boto3 default chain's, resolved here; a DAG task: its AWS connection's, dag_factory/redshift.py),
never left to look them up itself; and no `timeout`, which the driver applies to every statement.

When a COPY fails, Redshift says only "check 'sys_load_error_detail'". The session rolls the
transaction back, reads that view for the failed load (this session's latest COPY) and raises
a LoadFailed naming file, line, column, type, position and reason — the message the CLI
prints and the Airflow task logs.

redshift_connector's exceptions become ours in `error_family`. A server error carries the
server's fields as a dict in `args[0]` ('C': SQLSTATE, 'M': message, 'D': detail), and is
decided by its SQLSTATE — except Redshift's serializable isolation violation (error 1023) and
its capacity limits, which Redshift reports as XX000 (internal error) with the reason in the
text only; for those, and only here, the text is read. An error without server fields was
raised by the driver itself: an `InterfaceError` or `OperationalError` of that kind is the
connection (communication error, broken pipe, connection closed, time out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from framework.errors import ConfigError, TerminalWarehouseError, TransientWarehouseError, WarehouseError
from framework.execute.dbapi import DbApiSession, socket_error_family
from framework.settings import RedshiftSettings

# SQLSTATEs (or their two-character class) worth another try, as for PostgreSQL (postgres.py).
TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "53", "55P03", "57P01", "57P02", "57P03")
# What Redshift says, in an XX000 error's message or detail, when another try may work:
# "ERROR: 1023 DETAIL: Serializable isolation violation on table …"
# https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html
# and Serverless capacity limits while the workgroup scales.
TRANSIENT_XX000_TEXT = ("serializable isolation violation", "insufficient capacity", "not enough capacity", "throttl")

LOAD_ERROR_COLUMNS = (
    "file_name",
    "line_number",
    "column_name",
    "column_type",
    "position",
    "error_code",
    "error_message",
)


class LoadFailed(TerminalWarehouseError):
    """A COPY the data refused; retrying cannot help until the files or the table change."""

    def __init__(self, table: str, details: list[dict], original: str):
        self.table, self.details, self.original = table, details, original
        lines = [
            f"the load into {table} failed: {len(details)} error row(s) in SYS_LOAD_ERROR_DETAIL"
            if details
            else f"the load into {table} failed ({original}); SYS_LOAD_ERROR_DETAIL has no rows for it"
        ]
        for d in details[:10]:
            lines.append(
                f"  {d['file_name']}:{d['line_number']}: column {d['column_name']} ({d['column_type']}) "
                f"at position {d['position']}: {d['error_message']} [error {d['error_code']}]"
            )
        super().__init__("\n".join(lines))


def load_errors_query(limit: int = 20) -> str:
    """The failed COPY's rows: the latest COPY query of this session that has error rows."""
    import sqlglot

    def col(name):
        return exp.column(name)

    def trimmed(name):
        return exp.alias_(exp.Trim(this=exp.cast(col(name), "VARCHAR")), name)

    latest = (
        sqlglot.select(exp.Max(this=col("query_id")))
        .from_("sys_load_error_detail")
        .where(exp.EQ(this=col("session_id"), expression=exp.Anonymous(this="PG_BACKEND_PID")))
    )
    select = (
        sqlglot.select(
            *[
                trimmed(c) if c in ("file_name", "column_name", "column_type", "error_message") else col(c)
                for c in LOAD_ERROR_COLUMNS
            ]
        )
        .from_("sys_load_error_detail")
        .where(exp.EQ(this=col("query_id"), expression=exp.Subquery(this=latest)))
        .order_by(col("line_number"))
        .limit(limit)
    )
    return select.sql(dialect="redshift")


def error_family(err: BaseException) -> type[WarehouseError] | None:
    """Transient or terminal for a redshift_connector exception; None when it is not the driver's
    (nor a socket's)."""
    import redshift_connector

    if not isinstance(err, redshift_connector.Error):
        return socket_error_family(err)
    fields = err.args[0] if err.args and isinstance(err.args[0], dict) else None
    if fields is None:  # raised by the driver, not the server
        connection = isinstance(err, (redshift_connector.InterfaceError, redshift_connector.OperationalError))
        return TransientWarehouseError if connection else TerminalWarehouseError
    state = str(fields.get("C", ""))
    if state in TRANSIENT_SQLSTATES or state[:2] in TRANSIENT_SQLSTATES:
        return TransientWarehouseError
    if state == "XX000":
        message = str(fields.get("M", "")).strip()
        text = f"{message} {fields.get('D', '')}".lower()
        if message.startswith("1023") or any(words in text for words in TRANSIENT_XX000_TEXT):
            return TransientWarehouseError
    return TerminalWarehouseError


class RedshiftSession(DbApiSession):
    dialect = "redshift"
    error_family = staticmethod(error_family)

    def explain_failed_load(self, table: str, err: TerminalWarehouseError) -> LoadFailed:
        """A COPY into `table` failed (the executor knows the statement's verb and table from the
        manifest): the error rows Redshift recorded for it, in one message."""
        details = self._load_errors()
        return LoadFailed(table, details, " ".join(str(err.__cause__ or err).split()))

    def _load_errors(self) -> list[dict]:
        try:
            super().execute("ROLLBACK")  # the failed COPY aborted the transaction; the view is outside it
            found = super().execute(load_errors_query())
        except Exception:  # explaining the failure must not hide it
            return []
        return [dict(zip(LOAD_ERROR_COLUMNS, row)) for row in found.rows]


def credential_arguments(credentials: Any) -> dict[str, str]:
    """redshift_connector.connect's explicit AWS credentials (access_key_id, secret_access_key,
    session_token) from a botocore ReadOnlyCredentials (access_key, secret_key, token). With
    `iam` the driver signs its GetCredentials call with these instead of looking up its own
    (redshift_connector iam_helper.set_iam_credentials → AWSCredentialsProvider)."""
    arguments = {"access_key_id": credentials.access_key, "secret_access_key": credentials.secret_key}
    if credentials.token:  # temporary credentials (an assumed role) need their session token
        arguments["session_token"] = credentials.token
    return arguments


def connect_arguments(settings: RedshiftSettings, credentials: Any, region: str | None = None) -> dict[str, Any]:
    """The CLI's redshift_connector.connect arguments: IAM to the serverless workgroup as
    `credentials`. No `timeout`: the driver sets it on the socket for the connection's life
    (core.py, `self._usock.settimeout(timeout)`), so a COPY or build longer than it would fail
    as "connection time out"; a dead peer is found by TCP keepalive (the driver's default)."""
    arguments: dict[str, Any] = {
        "iam": True,
        "is_serverless": True,
        "serverless_work_group": settings.workgroup,
        "database": settings.database,
        **credential_arguments(credentials),
    }
    if settings.region or region:  # the target's region, else the credential chain's
        arguments["region"] = settings.region or region
    return arguments


def default_credentials(region: str | None) -> tuple[Any, str | None]:
    """The boto3 default chain's credentials (environment, profile with its role_arn, instance or
    task role), resolved once and frozen, and the chain's region."""
    import boto3

    session = boto3.Session(region_name=region)
    found = session.get_credentials()
    if found is None:
        raise ConfigError(
            "no AWS credentials found (environment, AWS_PROFILE, instance or task role): "
            "the Redshift target authenticates with IAM"
        )
    return found.get_frozen_credentials(), session.region_name


def connect_redshift(settings: RedshiftSettings, connect: Callable[[], Any] | None = None) -> RedshiftSession:
    """Redshift Serverless through IAM, as the identity whose credentials are passed to the
    driver explicitly: on the CLI the boto3 default chain's (no password). `connect` overrides
    the driver call (a DAG task passes RedshiftSQLHook.get_conn with the target's AWS
    connection: dag_factory/redshift.py; tests pass a recording double)."""
    if connect is None:

        def connect():
            import redshift_connector

            credentials, region = default_credentials(settings.region)
            return redshift_connector.connect(**connect_arguments(settings, credentials, region))

    return RedshiftSession(connect)
