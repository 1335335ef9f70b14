"""PostgreSQL sessions (psycopg 3): the Redshift statement shapes on a real server, and the
one thing PostgreSQL cannot do itself — read Parquet — done client-side with COPY FROM STDIN.

psycopg's exceptions become ours by SQLSTATE (`error_family`): the server's code says whether
another try may work. An error with no SQLSTATE never reached the server's answer: an
`OperationalError` or `InterfaceError` of that kind is the connection itself (refused, dropped,
timed out, closed).
"""

from __future__ import annotations

import os

from framework.errors import KeyCollision, TerminalWarehouseError, TransientWarehouseError, WarehouseError
from framework.execute.dbapi import DbApiSession, socket_error_family
from framework.settings import PostgresSettings

# SQLSTATEs (or their two-character class) worth another try; every other SQLSTATE is terminal.
# https://www.postgresql.org/docs/current/errcodes-appendix.html
TRANSIENT_SQLSTATES = (
    "08",  # connection exception (psycopg.errors.ConnectionFailure, …)
    "40001",  # serialization_failure (psycopg.errors.SerializationFailure)
    "40P01",  # deadlock_detected (psycopg.errors.DeadlockDetected)
    "53",  # insufficient resources: disk full, out of memory, too many connections
    "55P03",  # lock_not_available (lock_timeout): another session holds the table
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (the server is starting up)
)


UNIQUE_VIOLATION = "23505"  # a key written twice: data, or two sessions loading the same rows at once


def error_family(err: BaseException) -> type[WarehouseError] | None:
    """Transient or terminal for a psycopg exception; None when it is not psycopg's (nor a socket's)."""
    import psycopg

    if not isinstance(err, psycopg.Error):
        return socket_error_family(err)
    state = err.sqlstate
    if state is None:  # raised by the client: the connection failed, or a client-side misuse
        if _refused_for_good(str(err)):  # the server said who may not connect: waiting cannot help
            return TerminalWarehouseError
        connection = isinstance(err, (psycopg.OperationalError, psycopg.InterfaceError))
        return TransientWarehouseError if connection else TerminalWarehouseError
    transient = state in TRANSIENT_SQLSTATES or state[:2] in TRANSIENT_SQLSTATES
    if state == UNIQUE_VIOLATION:
        return KeyCollision
    return TransientWarehouseError if transient else TerminalWarehouseError


# libpq's words (it passes no SQLSTATE for a refused connection) when the server refuses the
# session itself: a password, a role, a database, an access rule — settings, not a passing state.
_REFUSED = (
    "password authentication failed",
    "no password supplied",
    "authentication failed",
    "does not exist",  # FATAL: role "x" / database "x" does not exist
    "no pg_hba.conf entry",
    "permission denied for database",
)


def _refused_for_good(text: str) -> bool:
    return any(words in text for words in _REFUSED)


class PostgresSession(DbApiSession):
    dialect = "postgres"
    error_family = staticmethod(error_family)
    claimed: tuple[str, bool] | None = None  # the run lock this session holds: (pipeline, exclusive)

    def claim_run(self, pipeline: str, exclusive: bool) -> bool:
        """Hold the pipeline's advisory lock until the session closes (the server frees it when
        the connection ends, a killed run's too): False when another run holds it — an exclusive
        claim (`elt run`) conflicts with any other, a shared one (a DAG's step tasks) only with
        an exclusive one."""
        self.claimed = (pipeline, exclusive)
        return self._claim()

    def _claim(self) -> bool:
        from sqlglot import exp

        assert self.claimed is not None
        pipeline, exclusive = self.claimed
        key = exp.Anonymous(
            this="hashtextextended", expressions=[exp.Literal.string(f"elt run {pipeline}"), exp.Literal.number(0)]
        )
        function = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
        row = self.execute(
            exp.select(exp.Anonymous(this=function, expressions=[key])).sql(dialect="postgres")
        ).fetchone()
        return bool(row and row[0])

    def reconnect(self) -> None:
        """A new connection holds no lock: the run claims it again, or stops."""
        super().reconnect()
        if self.claimed is not None and not self._claim():
            from framework.errors import WarehouseBusy

            raise WarehouseBusy(f"another run of pipeline '{self.claimed[0]}' took the warehouse while reconnecting")

    def copy_in(self, sql: str, files: list[str], columns: tuple[str, ...]) -> int:
        """Stream the rows of these lake files into `sql`, a `COPY <table> (columns) FROM STDIN`,
        each column read from each file by name (one a file lacks, ingested before the column
        was added, is NULL). Returns the rows sent."""
        import pyarrow.parquet as pq

        sent = 0
        with self._driver_errors(), self.conn.cursor() as cursor, cursor.copy(sql) as copy:
            for path in files:
                parquet = pq.ParquetFile(path)
                present = [c for c in columns if c in parquet.schema_arrow.names]
                for batch in parquet.iter_batches(batch_size=50_000, columns=present):
                    values = dict(zip(present, (column.to_pylist() for column in batch.columns), strict=True))
                    nulls = [None] * batch.num_rows
                    for row in zip(*(values.get(c, nulls) for c in columns)):
                        copy.write_row(row)
                    sent += batch.num_rows
        return sent


def connect_postgres(settings: PostgresSettings) -> PostgresSession:
    """Settings of a `postgres` target: host, port, dbname, user; the password from the
    environment variable named by `password_env` (or libpq's own PGPASSWORD / .pgpass)."""
    import psycopg

    def connect():
        password = os.environ.get(settings.password_env) if settings.password_env else None
        return psycopg.connect(
            host=settings.host,
            port=settings.port,
            dbname=settings.dbname,
            user=settings.user,
            password=password,
            application_name="elt",
            connect_timeout=10,
            options="-c TimeZone=UTC",  # Redshift sessions are UTC, whatever the server's default
        )

    return PostgresSession(connect)
