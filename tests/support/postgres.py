"""A real PostgreSQL 15 server for the tests: a throw-away cluster on a free port.

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user (its
folder is made for it); as anyone else it runs as that user. Durability is switched off
(fsync, synchronous_commit): the data lives only as long as the test session.

The cluster's superuser `elt` is the admin: it creates databases and inspects them. The
pipeline runs as `PIPELINE_ROLE`, an ordinary login role that owns the databases it writes —
no SUPERUSER, no CREATEROLE, not a member of pg_read_server_files, pg_write_server_files or
pg_execute_server_program — as a deployment should: the server refuses it what lint refuses.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


class PostgresUnavailable(RuntimeError):
    pass


PIPELINE_ROLE = "elt_pipeline"


@dataclass
class PostgresServer:
    folder: str
    port: int
    user: str = "elt"  # the admin (superuser): creates databases, inspects what the pipeline wrote
    dbname: str = "postgres"
    host: str = "127.0.0.1"
    pipeline_user: str = PIPELINE_ROLE  # what the pipeline connects as

    def settings(self, dbname: str, lake: str):
        """A `postgres` target as pipeline.yml would give it."""
        from framework.settings import PostgresSettings

        return PostgresSettings(
            pipeline="olist",
            name="pg",
            project_dir=self.folder,
            host=self.host,
            port=self.port,
            dbname=dbname,
            user=self.pipeline_user,
            password_env=None,
            lake=lake,
        )

    def connect(self, dbname: str | None = None, user: str | None = None):
        """As the admin, or as `user` (e.g. `pipeline_user`)."""
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=user or self.user, dbname=dbname or self.dbname, autocommit=True
        )

    def create_database(self, name: str, owner: str | None = None, icu_locale: str = "") -> str:
        """A fresh database owned by the pipeline's role (or `owner`): it may create schemas in it.
        `icu_locale`: made with that ICU collation (as a cluster made with en_US.UTF-8 would sort)."""
        from psycopg import sql

        collation = (
            sql.SQL(" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE {}").format(sql.Literal(icu_locale))
            if icu_locale
            else sql.SQL("")
        )
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}{}").format(
                    sql.Identifier(name), sql.Identifier(owner or self.pipeline_user), collation
                )
            )
        return name


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        (
            os.path.join(d, name)
            for d in sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin"), reverse=True)
            if os.path.exists(os.path.join(d, name))
        ),
        None,
    )
    if not found:
        raise PostgresUnavailable(f"{name} not found (PostgreSQL server binaries are needed)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start() -> PostgresServer:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    folder = tempfile.mkdtemp(prefix="elt-pg-")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = os.path.join(folder, "data")
    port = _free_port()
    run = {"capture_output": True, "text": True, "timeout": 120}
    done = subprocess.run(
        _as_owner([initdb, "-D", data, "-U", "elt", "-A", "trust", "-E", "UTF8", "--no-locale"]), **run
    )
    if done.returncode:
        raise PostgresUnavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=40 -c TimeZone=UTC"
    )
    done = subprocess.run(
        _as_owner([pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w", "-t", "60", "start"]),
        **run,
    )
    if done.returncode:
        raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()[-500:]} {done.stdout.strip()[-500:]}")
    server = PostgresServer(folder, port)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.connect().close()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    _create_pipeline_role(server)
    return server


def _create_pipeline_role(server: PostgresServer) -> None:
    """An ordinary login role: every privilege it has comes from owning its databases."""
    from psycopg import sql

    with server.connect() as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(
                sql.Identifier(server.pipeline_user)
            )
        )


def stop(server: PostgresServer) -> None:
    subprocess.run(
        _as_owner([_binary("pg_ctl"), "-D", os.path.join(server.folder, "data"), "-m", "immediate", "-w", "stop"]),
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(server.folder, ignore_errors=True)
