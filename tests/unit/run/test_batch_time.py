"""`elt run` without --batch-date: the run's batch time is the latest batch it may load (at its
midnight), as the DAG run of that date has it, not the wall clock (adversarial round 35,
scd2_invalidate_wallclock: a key absent from the 2024-03-02 snapshot was closed "today")."""

from __future__ import annotations

import duckdb

from tests.support.workspace import ELT, cli_env

PIPELINE = """\
version: 1
kind: pipeline
name: roster_demo
owner: me
schedule: "@daily"
start_date: "2024-03-01"
default_target: local
schemas: {staging: staging, dimension: dwh, fact: dwh, mart: mart, internal: elt}
targets:
  local: {type: local, database: warehouse/w.duckdb, lake: lake, landing: "landing/{batch_date}"}
"""
SOURCE = """\
version: 1
kind: source
name: roster
landing: {path: "roster_*.csv", format: csv}
columns:
  - {name: member_id, type: integer, nullable: false}
  - {name: city, type: string, nullable: false}
  - {name: updated_at, type: timestamp, nullable: false}
primary_key: [member_id]
load_mode: full_refresh
"""
MODEL = """\
version: 1
kind: model
name: dim_roster
layer: dimension
materialization: incremental
incremental: {strategy: merge}
depends_on: [roster]
sql: SELECT member_id, city, updated_at AS observed_at FROM roster
keys: {business: [member_id], surrogate: member_sk}
history: {type: scd2, tracked: [city], version_start: observed_at, hard_deletes: invalidate}
columns:
  - {name: member_sk, type: string, nullable: false}
  - {name: member_id, type: integer, nullable: false}
  - {name: city, type: string, nullable: false}
  - {name: observed_at, type: timestamp, nullable: false}
  - {name: valid_from, type: timestamp, nullable: false}
  - {name: valid_to, type: timestamp, nullable: false}
  - {name: is_current, type: boolean, nullable: false}
"""
DAYS = {
    "2024-03-01": ["1,Lisbon,2024-03-01 08:00:00", "3,Faro,2024-03-01 08:00:00"],
    "2024-03-02": ["1,Lisbon,2024-03-01 08:00:00"],  # member 3 gone
    "2024-03-03": ["1,Porto,2024-03-03 07:00:00", "3,Faro,2024-03-01 08:00:00"],  # back
}


def project(folder):
    root = folder / "pipelines" / "roster_demo"
    (root / "sources").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "pipeline.yml").write_text(PIPELINE)
    (root / "sources" / "roster.yml").write_text(SOURCE)
    (root / "models" / "dim_roster.yml").write_text(MODEL)
    for day, rows in DAYS.items():
        (folder / "landing" / day).mkdir(parents=True)
        (folder / "landing" / day / f"roster_{day}.csv").write_text(
            "member_id,city,updated_at\n" + "\n".join(rows) + "\n"
        )
    return root


def history(folder) -> list[tuple]:
    with duckdb.connect(str(folder / "warehouse" / "w.duckdb"), read_only=True) as conn:
        return conn.execute(
            "SELECT member_id, city, valid_from::VARCHAR, valid_to::VARCHAR FROM dwh.dim_roster ORDER BY 1, 3"
        ).fetchall()


def replay(folder, *run_extra) -> list[tuple]:
    import subprocess

    root = project(folder)
    for day in DAYS:
        for command in (
            ["ingest", str(root), "--batch-date", day],
            ["run", str(root), *(a.format(day=day) for a in run_extra)],
        ):
            done = subprocess.run([ELT, *command, "--quiet"], cwd=folder, env=cli_env(), capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
    return history(folder)


def test_a_run_without_batch_date_closes_a_deleted_key_at_the_batch_it_loads(tmp_path):
    implied = replay(tmp_path / "implied")
    assert implied == [
        (1, "Lisbon", "2024-03-01 08:00:00", "2024-03-03 07:00:00"),
        (1, "Porto", "2024-03-03 07:00:00", "9999-12-31 00:00:00"),
        (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00"),  # closed at the batch, not today
        (3, "Faro", "2024-03-03 00:00:00", "9999-12-31 00:00:00"),
    ]
    assert implied == replay(tmp_path / "named", "--batch-date", "{day}")  # as the DAG run of each date


def test_the_batch_time_is_the_latest_batch_the_run_may_load(tmp_path):
    """An incomplete batch (a refused file) and those after it do not set the batch time: the run
    loads none of them."""
    import datetime

    from framework.lake import BatchRecord
    from framework.lake.local import LocalLake
    from framework.run.options import LATEST_BATCH, RunOptions
    from framework.run.step_runners import RunContext

    lake = LocalLake(str(tmp_path / "lake"))
    for day, complete in (("2024-03-01", True), ("2024-03-02", True), ("2024-03-03", False), ("2024-03-04", True)):
        lake.write_batch_record("p", BatchRecord(day, complete))

    class Gate:
        def admits(self, batch):
            return batch < "2024-03-03"

    def context(options):
        ctx = RunContext.__new__(RunContext)
        ctx.options, ctx.lake, ctx._gate, ctx._records, ctx._batch_time = options, lake, Gate(), None, None
        ctx.manifest = type("M", (), {"pipeline": type("P", (), {"name": "p"})()})()
        return ctx

    assert context(RunOptions(LATEST_BATCH)).batch_time() == datetime.datetime(2024, 3, 2)
    assert context(RunOptions(datetime.datetime(2020, 1, 1))).batch_time() == datetime.datetime(2020, 1, 1)
    partial = context(RunOptions(LATEST_BATCH, allow_partial=frozenset({"2024-03-03"})))
    partial._gate = type("G", (), {"admits": lambda self, b: b <= "2024-03-03"})()
    assert partial.batch_time() == datetime.datetime(2024, 3, 3)
    empty = context(RunOptions(LATEST_BATCH))
    empty.lake = LocalLake(str(tmp_path / "none"))
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert abs((empty.batch_time() - now).total_seconds()) < 5
