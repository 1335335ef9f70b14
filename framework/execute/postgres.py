"""PostgreSQL sessions (psycopg 3): the Redshift statement shapes on a real server, and the
one thing PostgreSQL cannot do itself — read Parquet — done client-side with COPY FROM STDIN."""

from __future__ import annotations

import os

from framework.execute.dbapi import DbApiSession
from framework.settings import PostgresSettings


class PostgresSession(DbApiSession):
    dialect = "postgres"

    def copy_in(self, sql: str, files: list[str]) -> int:
        """Stream the rows of these lake files (in the load table's column order) into `sql`,
        a `COPY <table> FROM STDIN`. Returns the rows sent."""
        import pyarrow.parquet as pq

        sent = 0
        with self.conn.cursor() as cursor, cursor.copy(sql) as copy:
            for path in files:
                for batch in pq.ParquetFile(path).iter_batches(batch_size=50_000):
                    columns = [column.to_pylist() for column in batch.columns]
                    for row in zip(*columns):
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
        )

    return PostgresSession(connect)
