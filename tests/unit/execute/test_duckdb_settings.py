"""The local target's DuckDB settings reach the sessions: the warehouse's, and each ingest worker's."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from framework.ingest import ingest_pipeline
from framework.lake.local import LocalLake
from framework.run.warehouses import open_warehouse
from framework.settings import LocalSettings, settings_for
from framework.settings.targets import default_duckdb_memory
from framework.spec.project import load_project
from framework.spec.targets import LocalTarget
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[3]

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


@pytest.mark.parametrize(
    "workers,budget,share",
    [
        (2, 2**30, 2**29),  # two workers share the budget
        (1, 2**30, 2**30),  # one has all of it
        (2, 384 * 2**20, 384 * 2**20),  # too little for two workers of 256 MiB: one
    ],
)
def test_ingest_workers_share_the_memory_and_spill_to_a_temp_folder(tmp_path, workers, budget, share):
    """Run in a fresh process: ingest forks its pool only from a single-threaded one, and this
    test session has threads by now (a local S3 server's, Airflow's, DuckDB's). Forcing a fork
    here anyway once hung CI: a worker waited forever on a lock another thread held at the fork."""
    import json
    import subprocess
    import sys

    landing = tmp_path / "landing"
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        members(landing, f"members_{day}.csv", 3)
    script = (
        "import json, sys\n"
        "from framework import ingest\n"
        "from framework.lake.local import LocalLake\n"
        "from framework.spec.project import load_project\n"
        "from framework.ingest.report import FileResult\n"
        "def reporting_settings(con, pipeline, source, path, lake, batch_date, version='', relative='', lake_file=''):\n"
        "    # ingest_file's stand-in\n"
        "    settings = \"SELECT current_setting('memory_limit'), current_setting('temp_directory')\"\n"
        "    return FileResult(source.name, path, notes=list(con.execute(settings).fetchone()))\n"
        "ingest.ingest_file = reporting_settings\n"
        "ingest._PARALLEL_BYTES = 0  # a pool even for tiny files\n"
        "landing, lake, workers, budget, pipeline = sys.argv[1:]\n"
        "project, _ = load_project(pipeline)\n"
        "report = ingest.ingest_pipeline(project, landing, LocalLake(lake), '2024-01-03',"
        " workers=int(workers), memory_limit=int(budget))\n"
        "print(json.dumps([f.notes for f in report.files]))\n"
    )
    args = [str(landing), str(tmp_path / "lake"), str(workers), str(budget), str(FIXTURES / "tiny_shop")]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    notes = json.loads(done.stdout.strip().splitlines()[-1])
    assert [n[0] for n in notes] == [reported(share)] * 3
    assert all(Path(n[1]).name.startswith("elt-ingest-") for n in notes)
    assert not list(tmp_path.rglob(".tmp")) and not list(REPO.glob(".tmp"))


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
