"""A DB-API 2 connection (psycopg, redshift_connector) behind the interface the executor
speaks — DuckDB's own: `execute(sql, params)` returns rows with `fetchall()` and a
`description`, and a DML statement answers with its affected-row count.

Run-time parameters are bound into the statement's tree as typed literals by sqlglot (never
by splicing text): Redshift accepts no bind parameters in COPY, and one way of binding for
every statement means the text a test records is exactly the text the server received. The
connection runs in autocommit; transactions are the executor's explicit BEGIN … COMMIT.
Statements are logged with credentials redacted.

Errors: whatever the driver raises while connecting or running a statement leaves the session
as a `TransientWarehouseError` or a `TerminalWarehouseError` (the driver's exception is its
`__cause__`), decided by the session's `error_family` — one small table per driver, in the
driver's module. Callers decide on retries with `isinstance`, never by reading messages.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from framework.errors import TransientWarehouseError, WarehouseError

if TYPE_CHECKING:  # sqlglot loads only where a statement is bound (not for DuckDB's sessions)
    from sqlglot import exp

log = logging.getLogger("framework.sql")

_SECRET_WORDS = ("aws_secret_access_key", "aws_access_key_id", "token=", "password")


class Fetched:
    """A finished statement's rows (the cursor is already closed)."""

    def __init__(self, rows: list[tuple], description):
        self.rows, self.description = rows, description

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self):
        return self.rows[0] if self.rows else None


@functools.lru_cache(maxsize=512)
def _parsed(sql: str, dialect: str) -> exp.Expr:
    import sqlglot

    return sqlglot.parse_one(sql, read=dialect)


def literal(value: Any) -> exp.Expression:
    from sqlglot import exp

    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return exp.Literal.number(value)
    if isinstance(value, datetime.datetime):
        return exp.Cast(this=exp.Literal.string(value.isoformat(sep=" ")), to=exp.DataType.build("TIMESTAMP"))
    if isinstance(value, datetime.date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))
    return exp.Literal.string(str(value))


def bind(sql: str, params: dict[str, Any] | None, dialect: str) -> exp.Expr | None:
    """The statement's tree with each `%(name)s` placeholder replaced by its value; None when
    the statement has no parameters (its text is sent as it is)."""
    from sqlglot import exp

    if not params:
        return None
    tree = _parsed(sql, dialect).copy()
    for node in list(tree.find_all(exp.Placeholder)):
        node.replace(literal(params[node.name]))
    return tree


def redact(tree: exp.Expr) -> exp.Expr:
    """A copy safe to log: COPY credentials and anything that looks like a secret become ***."""
    from sqlglot import exp

    tree = tree.copy()
    for credentials in tree.find_all(exp.Credentials):
        for key in ("iam_role", "credentials"):
            if credentials.args.get(key) is not None:
                credentials.set(key, exp.Literal.string("***"))
    for node in tree.find_all(exp.Literal):
        if node.is_string and any(word in node.this.lower() for word in _SECRET_WORDS):
            node.replace(exp.Literal.string("***"))
    return tree


def socket_error_family(err: BaseException) -> type[WarehouseError] | None:
    """A network error a driver let through as it is: transient. None: not a warehouse error."""
    return TransientWarehouseError if isinstance(err, (ConnectionError, TimeoutError)) else None


def warehouse_error(err: BaseException, family: type[WarehouseError]) -> WarehouseError:
    """The driver's exception as one of ours; the message keeps the driver's class and words."""
    return family(f"{type(err).__name__}: {err}")


@contextlib.contextmanager
def mapped_errors(error_family: Callable[[BaseException], type[WarehouseError] | None]) -> Iterator[None]:
    """Re-raise a driver exception as the family `error_family` gives it (`from` the driver's)."""
    try:
        yield
    except WarehouseError:
        raise
    except Exception as err:
        family = error_family(err)
        if family is None:  # not the driver's: a bug of ours, raised as it is
            raise
        raise warehouse_error(err, family) from err


class DbApiSession:
    """One warehouse session over a DB-API connection made by `connect` (called again by
    `reconnect` after a dropped connection)."""

    dialect = ""

    def __init__(self, connect: Callable[[], Any]):
        self._connect = connect
        self.conn = self._open()

    @staticmethod
    def error_family(err: BaseException) -> type[WarehouseError] | None:
        """Transient or terminal for a driver's exception (None: not the driver's, raised as it is).
        Each driver's session overrides it with its table (postgres.py, redshift.py)."""
        return socket_error_family(err)

    def _driver_errors(self):
        return mapped_errors(self.error_family)

    def _open(self):
        with self._driver_errors():
            conn = self._connect()
            conn.autocommit = True  # transactions are explicit: BEGIN … COMMIT from the executor
        return conn

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> Fetched:
        tree = bind(sql, params, self.dialect)
        text = sql if tree is None else tree.sql(dialect=self.dialect)
        if log.isEnabledFor(logging.DEBUG):
            shown = (
                redact(tree if tree is not None else _parsed(sql, self.dialect)).sql(dialect=self.dialect)
                if sql[:6].upper() not in ("BEGIN ", "COMMIT", "ROLLBA")
                else sql
            )
            log.debug("%s", shown)
        with self._driver_errors():
            cursor = self.conn.cursor()
            try:
                cursor.execute(text)
                if cursor.description:
                    return Fetched([tuple(row) for row in cursor.fetchall()], cursor.description)
                # DuckDB answers a DML statement with its row count; drivers keep it in rowcount
                # (-1 where a statement has none). The executor reads it for the compiled DML verbs.
                rows = [(cursor.rowcount,)] if (cursor.rowcount or 0) >= 0 else []
                return Fetched(rows, [("Count",)] if rows else None)
            finally:
                cursor.close()

    def reconnect(self) -> None:
        try:
            self.conn.close()
        except Exception:  # it is already broken; that is why we reconnect
            pass
        self.conn = self._open()

    def close(self) -> None:
        self.conn.close()
