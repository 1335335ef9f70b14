"""Redshift (Serverless) sessions: redshift_connector over IAM, COPY failures explained.

Identity: the driver is always handed the AWS credentials to sign its IAM call with (CLI: the
boto3 default chain's, resolved here; a DAG task: its AWS connection's, dag_factory/redshift.py),
never left to look them up itself; and no `timeout`, which the driver applies to every statement.

When a COPY fails, Redshift says only "check 'sys_load_error_detail'". The session rolls the
transaction back, reads that view for the failed load (this session's latest COPY) and raises
a LoadFailed naming file, line, column, type, position and reason — the message the CLI
prints and the Airflow task logs. A Parquet COPY refused by Spectrum ("Spectrum Scan Error")
records nothing there: the error's own detail (code, context, query) is the message, with
the session's SYS_EXTERNAL_QUERY_ERROR rows when Redshift logged any.

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


# SYS_EXTERNAL_QUERY_ERROR: the Redshift Spectrum scan errors logged for a query (a sample, 10
# per query), the Serverless view for Spectrum scans — which COPY from Parquet is; SVL_S3LOG holds
# no Serverless queries. https://docs.aws.amazon.com/redshift/latest/dg/SYS_EXTERNAL_QUERY_ERROR.html
SCAN_ERROR_COLUMNS = ("file_location", "rowid", "column_name", "original_value", "action", "error_code")


def server_detail(err: BaseException) -> tuple[str, dict[str, str]]:
    """A server error's message and the `key: value` lines of its detail block. A Parquet COPY
    that Spectrum refused says only "Spectrum Scan Error" and puts the reason in the detail:
    error, code, context (file, column and types, as far as Redshift prints it), query,
    location, process. Empty when the error carries no server fields."""
    cause = err.__cause__ or err
    fields = cause.args[0] if cause.args and isinstance(cause.args[0], dict) else {}
    detail: dict[str, str] = {}
    current = None
    for line in str(fields.get("D", "")).splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and key.isidentifier() and key.lower() not in detail:
            current = key.lower()
            detail[current] = " ".join(value.split())
        elif current and line.strip().strip("-"):  # a value continued on the next line
            detail[current] = f"{detail[current]} {' '.join(line.split())}".strip()
    return " ".join(str(fields.get("M", "")).split()), {k: v for k, v in detail.items() if v}


class LoadFailed(TerminalWarehouseError):
    """A COPY the data refused; retrying cannot help until the files or the table change."""

    def __init__(
        self,
        table: str,
        details: list[dict],
        original: str,
        server: tuple[str, dict[str, str]] = ("", {}),
        scan_errors: list[dict] | None = None,
    ):
        self.table, self.details, self.original = table, details, original
        self.scan_errors = scan_errors or []
        message, detail = server
        if details:
            lines = [f"the load into {table} failed: {len(details)} error row(s) in SYS_LOAD_ERROR_DETAIL"]
        elif detail:  # e.g. a Parquet COPY's "Spectrum Scan Error": the detail is all there is
            named = ", ".join(f"{k} {detail[k]}" for k in ("code", "query") if k in detail)
            reason = (message or detail.get("error", "")) + (f" [{named}]" if named else "")
            lines = [f"the load into {table} failed: {reason}"]
            lines += [f"  {detail['context']}"] if "context" in detail else []
        else:
            reason = message or original  # the server's words, else the driver's
            lines = [f"the load into {table} failed ({reason}); SYS_LOAD_ERROR_DETAIL has no rows for it"]
        for d in details[:10]:
            lines.append(
                f"  {d['file_name']}:{d['line_number']}: column {d['column_name']} ({d['column_type']}) "
                f"at position {d['position']}: {d['error_message']} [error {d['error_code']}]"
            )
        if self.scan_errors:
            lines.append(f"  {len(self.scan_errors)} row(s) in SYS_EXTERNAL_QUERY_ERROR:")
        for e in self.scan_errors[:10]:
            lines.append(
                f"  {e['file_location']} (row {e['rowid']}): column {e['column_name']}: value "
                f"{e['original_value']!r}, {e['action']} [error {e['error_code']}]"
            )
        super().__init__("\n".join(lines))


def _col(name: str) -> exp.Column:
    return exp.column(name)


def _trimmed(name: str) -> exp.Expr:
    return exp.alias_(exp.Trim(this=exp.cast(_col(name), "VARCHAR")), name)


def _this_session() -> exp.EQ:
    return exp.EQ(this=_col("session_id"), expression=exp.Anonymous(this="PG_BACKEND_PID"))


def load_errors_query(limit: int = 20) -> str:
    """The failed COPY's rows: the latest COPY query of this session that has error rows."""
    import sqlglot

    latest = sqlglot.select(exp.Max(this=_col("query_id"))).from_("sys_load_error_detail").where(_this_session())
    select = (
        sqlglot.select(
            *[
                _trimmed(c) if c in ("file_name", "column_name", "column_type", "error_message") else _col(c)
                for c in LOAD_ERROR_COLUMNS
            ]
        )
        .from_("sys_load_error_detail")
        .where(exp.EQ(this=_col("query_id"), expression=exp.Subquery(this=latest)))
        .order_by(_col("line_number"))
        .limit(limit)
    )
    return select.sql(dialect="redshift")


def scan_errors_query(limit: int = 20) -> str:
    """The Spectrum scan errors of this session's latest COPY (SYS_QUERY_HISTORY names the
    session's queries and their type)."""
    import sqlglot

    latest = (
        sqlglot.select(exp.Max(this=_col("query_id")))
        .from_("sys_query_history")
        .where(exp.and_(_this_session(), exp.EQ(this=_col("query_type"), expression=exp.Literal.string("COPY"))))
    )
    select = (
        sqlglot.select(*[_col(c) if c == "error_code" else _trimmed(c) for c in SCAN_ERROR_COLUMNS])
        .from_("sys_external_query_error")
        .where(exp.EQ(this=_col("query_id"), expression=exp.Subquery(this=latest)))
        .order_by(_col("file_location"), _col("rowid"))
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
        manifest): the error rows Redshift recorded for it, else the error's own detail and the
        Spectrum scan errors of a Parquet COPY, in one message."""
        details = self._system_rows(load_errors_query(), LOAD_ERROR_COLUMNS, rollback=True)
        scan = [] if details else self._system_rows(scan_errors_query(), SCAN_ERROR_COLUMNS)
        original = " ".join(str(err.__cause__ or err).split())
        return LoadFailed(table, details, original, server_detail(err), scan)

    def _system_rows(self, query: str, columns: tuple[str, ...], rollback: bool = False) -> list[dict]:
        try:
            if rollback:  # the failed COPY aborted the transaction; the views are outside it
                super().execute("ROLLBACK")
            found = super().execute(query)
        except Exception:  # explaining the failure must not hide it
            return []
        return [dict(zip(columns, row)) for row in found.rows]


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
    (redshift_connector 2.2 core.py line 664, `self._usock.settimeout(timeout)`), so a COPY or
    build longer than it would fail as "connection time out"; a dead peer is found by TCP
    keepalive (the driver's default)."""
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
