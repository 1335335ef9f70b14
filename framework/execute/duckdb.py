"""DuckDB sessions: the embedded warehouse file, one writer at a time (DuckDB's rule).

DuckDB's own connection already speaks the executor's interface; this module opens it, waits
for another writer when asked to, and wraps it in a `DuckDBSession` whose `execute` maps
DuckDB's exceptions to ours (`error_family`): the file locked by another process is
`WarehouseBusy`, a transaction conflict is transient, anything else is terminal (a constraint,
a conversion, a missing file: the same data fails the same way).
"""

from __future__ import annotations

import os
import time
from typing import Any

from framework.errors import (
    TerminalWarehouseError,
    TransientWarehouseError,
    WarehouseBusy,
    WarehouseError,
    is_interrupt,
)
from framework.execute.dbapi import mapped_errors, socket_error_family


def error_family(err: BaseException) -> type[WarehouseError] | None:
    """Transient or terminal for a DuckDB exception; None when it is not DuckDB's (nor a socket's)."""
    import duckdb

    if not isinstance(err, duckdb.Error):
        return socket_error_family(err)
    if isinstance(err, duckdb.IOException) and _locked(err):  # DuckDB says so in its text only
        return WarehouseBusy
    if any(denied in str(err) for denied in ("Permission denied", "Operation not permitted")):
        return TerminalWarehouseError  # a file the OS will not let us write: waiting cannot help
    if isinstance(err, duckdb.TransactionException):  # a write-write conflict with another transaction
        return TransientWarehouseError
    return TerminalWarehouseError


class DuckDBSession:
    """DuckDB's connection with its exceptions mapped at `execute`; everything else is the
    connection's own (`execute` returns the connection, as DuckDB's does, to fetch from)."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql: str, params: Any = None):
        try:
            with mapped_errors(error_family):
                return self.conn.execute(sql, params)
        except RuntimeError as err:
            if is_interrupt(err):  # Ctrl-C stops the run, as it does between statements
                raise KeyboardInterrupt from err
            raise

    def close(self) -> None:
        self.conn.close()

    def __getattr__(self, name: str):
        return getattr(self.conn, name)


def configure(conn, memory_limit: int | None = None, threads: int | None = None) -> None:
    """`memory_limit` in bytes bounds DuckDB's buffer pool (past it, DuckDB spills to its temp
    directory), `threads` its worker threads; None keeps DuckDB's default. SET rather than
    connect-time configuration: another connection of this process to the same file shares the
    database instance, and DuckDB refuses to open it with a different configuration."""
    if memory_limit is not None:
        conn.execute(f"SET memory_limit = '{max(memory_limit // 2**10, 1)}KiB'")
    if threads is not None:
        conn.execute(f"SET threads = {int(threads)}")


def connect_duckdb(
    path: str,
    wait_seconds: float = 0.0,
    *,
    memory_limit: int | None = None,
    threads: int | None = None,
    read_only: bool = False,
) -> DuckDBSession:
    """Open the warehouse file; with `wait_seconds`, wait that long for another writer to finish.
    `memory_limit` (bytes) and `threads` configure the session (the target's settings).
    `read_only` shares the file with other readers (the dashboard), never with a writer."""
    import duckdb

    directory = os.path.dirname(os.path.abspath(path))
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if not read_only:
                os.makedirs(directory, exist_ok=True)
            conn = duckdb.connect(path, read_only=read_only)
            # Redshift sessions are UTC: timestamptz values and casts must not follow the host's TZ
            conn.execute("SET TimeZone = 'UTC'")
            configure(conn, memory_limit, threads)
            return DuckDBSession(conn)
        except duckdb.IOException as err:
            if _locked(err) and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            raise _cannot_open(path, err, wait_seconds) from err
        except OSError as err:
            raise WarehouseBusy(f"cannot open the warehouse {path}: {err}") from err


def _locked(err: Exception) -> bool:
    return "lock" in str(err).lower()


def _cannot_open(path: str, err: Exception, waited: float = 0.0) -> WarehouseError:
    text = str(err)
    if _locked(err):
        return WarehouseBusy(
            f"the warehouse {path} is in use by another process"
            + (f" (still, after waiting {waited:g} s)" if waited else "")
            + ": DuckDB lets one process write a file, and none while another has it open — another "
            f"`elt run`, the dashboard, a notebook; wait for it to finish, or give `--wait` more seconds. "
            f"({text.splitlines()[0]})"
        )
    return TerminalWarehouseError(f"cannot open the warehouse {path}: {text.splitlines()[0]}")
