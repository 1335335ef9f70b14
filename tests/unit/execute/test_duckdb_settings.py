"""The local target's DuckDB settings reach the sessions: the warehouse's, and each ingest worker's."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from framework import ingest
from framework.ingest import ingest_pipeline
from framework.ingest.report import FileResult
from framework.lake.local import LocalLake
from framework.run.warehouses import open_warehouse
from framework.settings import LocalSettings, settings_for
from framework.settings.targets import default_duckdb_memory
from framework.spec.project import load_project
from framework.spec.targets import LocalTarget
from tests.conftest import FIXTURES

MEMBERS = "member_id;email;tier;city;updated_at\n"


def reported(memory_bytes: int) -> str:
    """How DuckDB reports a memory_limit of this many bytes (`1.3 GiB`)."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_bytes // 1024}KiB'")
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def local(tmp_path: Path, **extra) -> LocalSettings:
    settings = settings_for(LocalTarget("dev", "w.duckdb", "lake", **extra), "shop", str(tmp_path))
    assert isinstance(settings, LocalSettings)
    return settings


@pytest.mark.parametrize(
    "extra,memory,threads",
    [({"memory_limit": "256MiB", "threads": 1}, "256.0 MiB", 1), ({}, reported(default_duckdb_memory()), None)],
)
def test_the_warehouse_session_has_the_targets_memory_limit_and_threads(tmp_path, extra, memory, threads):
    opened = open_warehouse(local(tmp_path, **extra))
    try:
        got = opened.session.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('TimeZone')"
        ).fetchone()
    finally:
        opened.close()
    cores = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    assert got == (memory, threads or cores, "UTC")


def members(folder: Path, name: str, rows: int, gz: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = MEMBERS + "".join(f"{i};m{i}@example.com;gold;City {i % 977};2024-01-01 10:00:00\n" for i in range(rows))
    path = folder / name
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def reporting_settings(con, pipeline, source, path, lake, batch_date):
    """ingest_file's stand-in: the file's DuckDB settings, as a note."""
    (memory, spill) = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    return FileResult(source.name, path, notes=[memory, spill])


@pytest.mark.parametrize(
    "workers,budget,share",
    [
        (2, 2**30, 2**29),  # two workers share the budget
        (1, 2**30, 2**30),  # one has all of it
        (2, 384 * 2**20, 384 * 2**20),  # too little for two workers of 256 MiB: one
    ],
)
def test_ingest_workers_share_the_memory_and_spill_to_a_temp_folder(tmp_path, monkeypatch, workers, budget, share):
    monkeypatch.setattr(ingest, "ingest_file", reporting_settings)
    monkeypatch.setattr(ingest, "_PARALLEL_BYTES", 0)  # a pool even for tiny files
    # ingest forks only from a single-threaded process; earlier tests in the same session leave
    # threads (a local S3 server's, DuckDB's own): the sharing is what is tested here
    monkeypatch.setattr(ingest, "_single_threaded", lambda: True)
    landing = tmp_path / "landing"
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        members(landing, f"members_{day}.csv", 3)
    project, _ = load_project(str(FIXTURES / "tiny_shop"))
    report = ingest_pipeline(
        project, str(landing), LocalLake(str(tmp_path / "lake")), "2024-01-03", workers=workers, memory_limit=budget
    )
    assert [f.notes[0] for f in report.files] == [reported(share)] * 3
    assert all(Path(f.notes[1]).name.startswith("elt-ingest-") for f in report.files)
    assert not list(tmp_path.rglob(".tmp")) and not list(Path.cwd().glob(".tmp"))


def test_rows_keep_their_file_order_when_duckdb_spills(tmp_path):
    """The good rows leave unsorted, in the order they were staged: even with the staged table
    spilled to disk, the lake file holds them in file order, each with its own line."""
    rows = 400_000
    landing = tmp_path / "landing"
    members(landing, "members_2024-01-01.csv", rows)
    project, _ = load_project(str(FIXTURES / "tiny_shop"))
    lake = LocalLake(str(tmp_path / "lake"))
    report = ingest_pipeline(project, str(landing), lake, "2024-01-01", workers=1, memory_limit=40 * 2**20)
    (result,) = report.files
    assert (result.rows, result.error) == (rows, "")
    table = pq.read_table(result.lake_path, columns=["member_id", "_source_line"])
    assert table.column("member_id").to_pylist() == list(range(rows))
    assert table.column("_source_line").to_pylist() == list(range(2, rows + 2))


def test_ingest_forks_only_from_a_process_without_native_threads_either():
    """DuckDB's worker threads are not Python's: a process that used DuckDB is not forked from."""
    import subprocess
    import sys

    probe = (
        "import duckdb, framework.ingest as i; before = i._single_threaded(); "
        "c = duckdb.connect(); c.execute('SET threads = 2'); c.execute('SELECT 1').fetchall(); "
        "print(before, i._single_threaded())"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]
