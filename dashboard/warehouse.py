"""Connections to the configured warehouse, opened for one batch of queries and closed again.

Why short-lived: DuckDB lets no writer in while a reader holds the file, so a dashboard that
kept its connection open would block `elt run`; and a reader cannot open the file while a run
writes it. Results are cached per filter set by the UI, so reopening is rare. DuckDB opens
read-only; PostgreSQL (psycopg) takes its password from the environment variable the target
names (`password_env`); Redshift (redshift_connector) authenticates with IAM through the
ambient AWS credentials, like the pipeline's own tools. Drivers are imported on connect.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from dashboard.config import DashboardConfig
from dashboard.sql import Rendered
from framework.errors import WarehouseError
from framework.settings.targets import PostgresSettings, RedshiftSettings


class WarehouseUnavailable(WarehouseError):
    """The warehouse cannot be read right now (not built yet, being written, unreachable, no
    driver); the message tells a user what to do."""


class Connection:
    """One open connection: runs rendered queries and returns pandas DataFrames."""

    def __init__(self, raw, kind: str):
        self.raw = raw
        self.kind = kind

    def fetch_many(self, queries: list[Rendered]) -> list:
        """Results in order. On DuckDB the queries run side by side, each on its own cursor:
        a page's joins leave cores idle in their single-threaded phases."""
        if self.kind != "duckdb" or len(queries) < 2:
            return [self.fetch(q) for q in queries]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(queries)) as pool:
            return list(pool.map(self.fetch, queries))

    def fetch(self, query: Rendered):
        import pandas as pd

        if self.kind == "duckdb":
            cursor = self.raw.cursor()  # a cursor per query: safe to use from several threads
            try:
                return cursor.execute(query.sql, query.params).df()
            finally:
                cursor.close()
        cursor = self.raw.cursor()
        try:
            if self.kind == "redshift":
                cursor.paramstyle = "pyformat"
            cursor.execute(query.sql, query.params)
            columns = [d[0] for d in cursor.description]
            return _decimals_as_floats(pd.DataFrame.from_records(cursor.fetchall(), columns=columns))
        finally:
            cursor.close()


def _decimals_as_floats(frame):
    """DB-API drivers return NUMERIC as Decimal objects; DuckDB's DataFrames hold floats. Pages
    (sums, ratios, charts) then see the same types whatever the warehouse."""
    from decimal import Decimal

    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values) and all(isinstance(v, Decimal) for v in values):
            frame[column] = frame[column].astype(float)
    return frame


@contextlib.contextmanager
def connect(config: DashboardConfig) -> Iterator[Connection]:
    opener = {"duckdb": _duckdb, "postgres": _postgres, "redshift": _redshift}[config.kind]
    raw = opener(config)
    try:
        yield Connection(raw, config.kind)
    finally:
        raw.close()


def data_version(config: DashboardConfig) -> str:
    """Changes when the warehouse may have changed: part of every cache key.

    For a DuckDB file its size and modification time (a pipeline run rewrites it); for a
    server, nothing (the UI's cache then expires by age)."""
    if config.kind != "duckdb":
        return ""
    try:
        stat = os.stat(config.database_path)
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _duckdb(config: DashboardConfig):
    import duckdb

    path = config.database_path
    if not os.path.isfile(path):
        raise WarehouseUnavailable(
            f"No warehouse at {path}. Build it first: `make run` "
            f"(or `elt run {config.pipeline_root} --target {config.target}`)."
        )
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.Error as err:
        text = " ".join(str(err).split())
        if "lock" in text.lower():
            raise WarehouseUnavailable(
                f"The warehouse {path} is being written by another process (a pipeline run?). DuckDB lets "
                "no reader in while a writer holds the file: retry when the run has finished."
            ) from None
        raise WarehouseUnavailable(f"Cannot open the warehouse {path}: {text}") from None


def _postgres(config: DashboardConfig):
    """The pipeline's own PostgreSQL connection (framework/execute/postgres.py): host, port,
    dbname, user; the password from the variable `password_env` names, else libpq's own."""
    settings = config.settings
    assert isinstance(settings, PostgresSettings), "connect() opens a postgres target here"
    try:
        import psycopg

        from framework.execute.postgres import connect_postgres
    except ImportError:
        raise WarehouseUnavailable("Target is PostgreSQL: install psycopg (the `postgres` extra).") from None
    try:
        return connect_postgres(settings).conn
    except (WarehouseError, psycopg.Error) as err:  # the session maps psycopg's errors to ours
        raise WarehouseUnavailable(
            f"Cannot connect to PostgreSQL target '{config.target}': {' '.join(_driver_words(err).split())}"
        ) from None


def _redshift(config: DashboardConfig):
    """The pipeline's own Redshift connection (framework/execute/redshift.py): IAM on the
    serverless workgroup, credentials from the boto3 chain, no password."""
    settings = config.settings
    assert isinstance(settings, RedshiftSettings), "connect() opens a redshift target here"
    try:
        from framework.execute.redshift import connect_redshift

        return connect_redshift(settings).conn
    except ImportError:
        raise WarehouseUnavailable(
            "Target is Redshift: install redshift_connector (it comes with the `airflow` extra)."
        ) from None
    except Exception as err:  # the driver raises several unrelated types for auth and network problems
        raise WarehouseUnavailable(
            f"Cannot connect to Redshift target '{config.target}' with IAM "
            f"(AWS credentials from the environment or profile): {_driver_words(err)}"
        ) from None


def _driver_words(err: Exception) -> str:
    """What the driver said: a session's mapped error carries the driver's exception as its cause."""
    cause = err.__cause__ if isinstance(err, WarehouseError) else None
    return str(cause if cause is not None else err)
