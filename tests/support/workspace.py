"""Helpers for runner tests: a pipeline copy, its lake and warehouse in a temp folder."""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from framework.ingest import ingest_pipeline
from framework.lake.local import LocalLake
from framework.run.runner import RunOptions, run_pipeline
from framework.settings import resolve_target
from framework.spec.project import load_project

ELT = str(Path(sys.executable).parent / "elt")
REPO = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    """The environment of a CLI subprocess: this checkout's framework first on the path (the
    installed `elt` script may point at another checkout)."""
    paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


BATCH = datetime.datetime(2018, 10, 17)


class Workspace:
    def __init__(self, folder: Path, pipeline: Path):
        self.folder = folder
        self.pipeline = folder / "pipeline"
        if not self.pipeline.exists():
            shutil.copytree(pipeline, self.pipeline, ignore=shutil.ignore_patterns("sample"))
        self.lake = folder / "lake"
        self.warehouse = folder / "warehouse" / "w.duckdb"

    def ingest(self, landing: Path, batch_date: str = "2018-10-17", only=None):
        project, problems = load_project(str(self.pipeline))
        assert not [p for p in problems if p.severity.value == "error"], problems
        return ingest_pipeline(project, str(landing), LocalLake(str(self.lake)), batch_date, only=only)

    def run(self, batch_ts: datetime.datetime = BATCH, full: bool = False):
        return run_pipeline(str(self.pipeline), self.settings(), RunOptions(batch_ts, full))

    def settings(self, target: str | None = None):
        """The pipeline's target, with this workspace's warehouse file and lake (as --warehouse/--lake)."""
        return resolve_target(str(self.pipeline), target).with_paths(database=str(self.warehouse), lake=str(self.lake))

    def cli(self, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [ELT, *args], capture_output=True, text=True, timeout=timeout, cwd=self.folder, env=cli_env()
        )

    def cli_run(self, *extra: str) -> subprocess.CompletedProcess:
        return self.cli(
            "run",
            str(self.pipeline),
            "--warehouse",
            str(self.warehouse),
            "--lake",
            str(self.lake),
            "--batch-date",
            "2018-10-17",
            *extra,
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as conn:
            return conn.execute(sql, params).fetchall()


def table_digests(warehouse: Path, exclude_schemas=("elt",), without: tuple[str, ...] = ()) -> dict[str, str]:
    """Every table's rows, order-independent, as a digest: equal digests, equal tables (but for
    the columns named in `without`)."""
    digests = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = conn.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
        for schema, name in tables:
            if schema in exclude_schemas:
                continue
            digests[f"{schema}.{name}"] = _digest(conn, schema, name, without)
    return digests


def _digest(conn, schema: str, name: str, without: tuple[str, ...]) -> str:
    columns = [
        c
        for (c,) in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
        if c not in without
    ]
    listed = ", ".join(f'"{c}"' for c in columns)
    rows = conn.execute(f'SELECT {listed} FROM "{schema}"."{name}" ORDER BY ALL').fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


BUILD_COLUMNS = ("_build_seq",)  # the build that last wrote a model row


def model_digests(warehouse: Path) -> dict[str, str]:
    """Digests of the models (dwh, mart) without the build counter (which build wrote a row differs
    between a replay and a full load, or a scoped build and a whole one; the rows must not):
    what must not depend on how the data arrived."""
    return table_digests(warehouse, exclude_schemas=("elt", "staging"), without=BUILD_COLUMNS)


INGEST_COLUMNS = ("_batch_date", "_source_file", "_source_line", "_load_seq")  # and the load that wrote it


def staging_digests(warehouse: Path) -> dict[str, str]:
    """Digests of the staging tables without the ingest columns and the load counter (when, from
    which file and by which load a row came differs between a replay and a full load; the rows
    must not)."""
    digests = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging' ORDER BY 1")
        for (name,) in tables.fetchall():
            digests[f"staging.{name}"] = _digest(conn, "staging", name, INGEST_COLUMNS)
    return digests
