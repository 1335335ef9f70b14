"""Redshift (Serverless) sessions: redshift_connector over IAM, COPY failures explained.

When a COPY fails, Redshift says only "check 'sys_load_error_detail'". The session rolls the
transaction back, reads that view for the failed load (this session's latest COPY) and raises
a LoadFailed naming file, line, column, type, position and reason — the message the CLI
prints and the Airflow task logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from framework.execute.dbapi import DbApiSession, Fetched
from framework.settings import RedshiftSettings

LOAD_ERROR_COLUMNS = (
    "file_name",
    "line_number",
    "column_name",
    "column_type",
    "position",
    "error_code",
    "error_message",
)


class LoadFailed(RuntimeError):
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


class RedshiftSession(DbApiSession):
    dialect = "redshift"

    def execute(self, sql: str, params=None) -> Fetched:
        try:
            return super().execute(sql, params)
        except Exception as err:
            if not sql.lstrip().upper().startswith("COPY "):
                raise
            table = sql.split()[1]
            details = self._load_errors()
            raise LoadFailed(table, details, " ".join(str(err).split())) from None

    def _load_errors(self) -> list[dict]:
        try:
            super().execute("ROLLBACK")  # the failed COPY aborted the transaction; the view is outside it
            found = super().execute(load_errors_query())
        except Exception:  # explaining the failure must not hide it
            return []
        return [dict(zip(LOAD_ERROR_COLUMNS, row)) for row in found.rows]


def connect_redshift(settings: RedshiftSettings, connect: Callable[[], Any] | None = None) -> RedshiftSession:
    """Redshift Serverless through IAM: temporary credentials for the workgroup from the boto3
    credential chain (no password). `connect` overrides the driver call (Airflow's RedshiftSQLHook
    builds the connection from its own connection record; tests pass a recording double)."""
    if connect is None:

        def connect():
            import redshift_connector

            return redshift_connector.connect(
                iam=True,
                is_serverless=True,
                serverless_work_group=settings.workgroup,
                database=settings.database,
                region=settings.region,
                timeout=60,
            )

    return RedshiftSession(connect)
