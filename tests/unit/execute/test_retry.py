"""Which warehouse errors are worth retrying, and the backoff loop itself.

Each driver's own exceptions, built as the driver builds them, go through the mapping its
session applies where statements run (`mapped_errors` with the driver module's table); what
comes out is one family, and the retry decision is an `isinstance` check on it.
"""

from __future__ import annotations

import duckdb
import psycopg
import pytest
import redshift_connector

from framework.errors import (
    KeyCollision,
    TerminalWarehouseError,
    TransientWarehouseError,
    WarehouseBusy,
    WarehouseError,
)
from framework.execute import duckdb as duckdb_session
from framework.execute import postgres, redshift
from framework.execute.dbapi import mapped_errors
from framework.execute.retry import RetryPolicy, is_transient, with_retries
from framework.execute.steps import StepFailed
from tests.support.recording import redshift_error

TRANSIENT, TERMINAL = TransientWarehouseError, TerminalWarehouseError

POSTGRES = [
    # the server's answers: psycopg raises the class of their SQLSTATE
    (psycopg.errors.SerializationFailure("could not serialize access due to concurrent update"), TRANSIENT),
    (psycopg.errors.DeadlockDetected("deadlock detected"), TRANSIENT),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), TRANSIENT),
    (psycopg.errors.CannotConnectNow("the database system is starting up"), TRANSIENT),
    (psycopg.errors.TooManyConnections("sorry, too many clients already"), TRANSIENT),
    (psycopg.errors.DiskFull("could not extend file: No space left on device"), TRANSIENT),
    (psycopg.errors.ConnectionFailure("server conn crashed?"), TRANSIENT),
    (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), TRANSIENT),
    (psycopg.errors.lookup("42601")('syntax error at or near "SELEC"'), TERMINAL),
    (psycopg.errors.UndefinedColumn('column "x" does not exist'), TERMINAL),
    (psycopg.errors.InsufficientPrivilege("permission denied for table orders"), TERMINAL),
    (psycopg.errors.InvalidPassword('password authentication failed for user "elt"'), TERMINAL),
    (psycopg.errors.NumericValueOutOfRange("numeric field overflow"), TERMINAL),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), TERMINAL),
    # terminal, named: a load checks the ledger after it (another run may have loaded the same files)
    (psycopg.errors.UniqueViolation('duplicate key value violates unique constraint "file_ledger_pkey"'), KeyCollision),
    # raised by the client, no SQLSTATE: the connection itself
    (
        psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 9 failed: Connection refused'
        ),
        TRANSIENT,
    ),
    (psycopg.OperationalError("the connection is closed"), TRANSIENT),
    (psycopg.errors.ConnectionTimeout("connection timeout expired"), TRANSIENT),
    (psycopg.InterfaceError("the connection is lost"), TRANSIENT),
    (psycopg.ProgrammingError("the query has 1 placeholder but 0 parameters were passed"), TERMINAL),
    (ConnectionResetError(104, "Connection reset by peer"), TRANSIENT),
]

REDSHIFT = [
    # the server's answers: a dict of its fields ('C': SQLSTATE, 'M': message, 'D': detail)
    (
        redshift_error(
            "XX000",
            "1023",
            "Serializable isolation violation on table - 123, transactions forming the cycle are: 1, 2",
        ),
        TRANSIENT,
    ),
    (redshift_error("XX000", "Insufficient capacity to run the query; try again"), TRANSIENT),
    (redshift_error("53000", "Insufficient capacity to run the query; try again"), TRANSIENT),
    (redshift_error("57P01", "terminating connection due to administrator command"), TRANSIENT),
    (redshift_error("42601", 'syntax error at or near "SELEC"'), TERMINAL),
    (redshift_error("42703", 'column "x" does not exist'), TERMINAL),
    (redshift_error("42501", "permission denied for relation orders"), TERMINAL),
    (redshift_error("XX000", "Load into table '__load_orders' failed."), TERMINAL),
    (redshift_error("XX000", "value 1023 is out of range for type smallint"), TERMINAL),
    (redshift_error("23505", "duplicate key value violates unique constraint", kind="IntegrityError"), TERMINAL),
    (redshift_error("28000", "password authentication failed for user", kind="InterfaceError"), TERMINAL),
    # raised by the driver itself: the connection
    (redshift_connector.InterfaceError("communication error", ConnectionRefusedError(111, "refused")), TRANSIENT),
    (
        redshift_connector.InterfaceError(
            "BrokenPipe: server socket closed. Please check that client side networking configurations such "
            "as Proxies, firewalls, VPN, etc. are not affecting your network connection."
        ),
        TRANSIENT,
    ),
    (redshift_connector.InterfaceError("connection is closed"), TRANSIENT),
    (redshift_connector.OperationalError("connection time out", TimeoutError("timed out")), TRANSIENT),
    (redshift_connector.NotSupportedError("type <class 'object'> not mapped to pg type"), TERMINAL),
    (TimeoutError("timed out"), TRANSIENT),
]


def _duckdb_conflict() -> duckdb.Error:
    """A real write-write conflict: two transactions of one database update the same row."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (i INTEGER PRIMARY KEY)")
    conn.execute("INSERT INTO t VALUES (1)")
    first, second = conn.cursor(), conn.cursor()
    first.execute("BEGIN")
    second.execute("BEGIN")
    first.execute("UPDATE t SET i = 2")
    try:
        second.execute("UPDATE t SET i = 3")
    except duckdb.Error as err:
        return err
    raise AssertionError("DuckDB let two transactions update one row")


def _duckdb_error(sql: str) -> duckdb.Error:
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (i INTEGER PRIMARY KEY, s VARCHAR)")
    conn.execute("INSERT INTO t VALUES (1, 'a')")
    try:
        conn.execute(sql)
    except duckdb.Error as err:
        return err
    raise AssertionError(f"{sql} did not fail")


DUCKDB = [
    (_duckdb_conflict(), TRANSIENT),
    (
        duckdb.IOException(
            'IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held in python (PID 42)'
        ),
        WarehouseBusy,
    ),
    (_duckdb_error("INSERT INTO t VALUES (1, 'b')"), TERMINAL),  # ConstraintException
    (_duckdb_error("SELECT CAST(s AS INTEGER) FROM t"), TERMINAL),  # ConversionException
    (_duckdb_error("SELECT nope FROM t"), TERMINAL),  # BinderException
    (_duckdb_error("SELECT * FROM read_parquet('/nonexistent/*.parquet')"), TERMINAL),  # IOException, no lock
]


def _mapped(module, error: Exception) -> WarehouseError:
    with pytest.raises(WarehouseError) as raised, mapped_errors(module.error_family):
        raise error
    return raised.value


@pytest.mark.parametrize(
    "module, error, family",
    [(postgres, e, f) for e, f in POSTGRES]
    + [(redshift, e, f) for e, f in REDSHIFT]
    + [(duckdb_session, e, f) for e, f in DUCKDB],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_each_drivers_exceptions_map_to_one_family_at_the_session_boundary(module, error, family):
    mapped = _mapped(module, error)
    assert isinstance(mapped, family) and mapped.__cause__ is error
    assert is_transient(mapped) is issubclass(family, TransientWarehouseError)
    assert str(mapped).startswith(type(error).__name__ + ": ")  # the driver's class and words stay


def test_the_drivers_exceptions_are_not_transient_until_mapped_and_ours_pass_unchanged():
    assert not is_transient(redshift_error("XX000", "1023", "Serializable isolation violation"))
    assert not is_transient(psycopg.errors.SerializationFailure("could not serialize access"))
    guard = StepFailed("build:x", "guard", "the SELECT returned several rows for one key (3 key(s))")
    assert isinstance(guard, TerminalWarehouseError) and not is_transient(guard)
    assert _mapped(postgres, guard) is guard
    with pytest.raises(ValueError), mapped_errors(postgres.error_family):  # not the driver's: a bug, as it is
        raise ValueError("value 1023 is out of range")


def test_a_duckdb_session_maps_errors_where_statements_run():
    session = duckdb_session.DuckDBSession(duckdb.connect())
    session.execute("CREATE TABLE t (i INTEGER PRIMARY KEY)")
    session.execute("INSERT INTO t VALUES (1)")
    assert session.execute("SELECT count(*) FROM t").fetchone() == (1,)
    with pytest.raises(TerminalWarehouseError, match="ConstraintException: Constraint Error") as raised:
        session.execute("INSERT INTO t VALUES (1)")
    assert isinstance(raised.value.__cause__, duckdb.ConstraintException)
    session.close()


def test_a_transient_error_is_retried_until_it_passes_with_growing_waits():
    calls, waits, retried = [], [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("connection reset")
        return "done"

    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=3.0)
    result = with_retries(flaky, policy, before_retry=lambda err, n: retried.append(n), sleep=waits.append)
    assert result == "done" and len(calls) == 3 and retried == [2, 3]
    assert 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0


def test_a_permanent_error_is_raised_at_once_and_attempts_are_bounded():
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        with_retries(broken, RetryPolicy(attempts=5), sleep=lambda s: None)
    assert len(calls) == 1
    calls.clear()

    def down():
        calls.append(1)
        raise ConnectionResetError("reset")

    with pytest.raises(ConnectionResetError):
        with_retries(down, RetryPolicy(attempts=3), sleep=lambda s: None)
    assert len(calls) == 3
    calls.clear()

    def conflict():
        calls.append(1)
        raise TransientWarehouseError("ProgrammingError: 1023")

    with pytest.raises(TransientWarehouseError):
        with_retries(conflict, RetryPolicy(attempts=2), sleep=lambda s: None)
    assert len(calls) == 2
