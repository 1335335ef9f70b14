"""`elt run` without --batch-date: the run's batch time is the latest batch it may load (at its
midnight), as the DAG run of that date has it, not the wall clock (adversarial round 35,
scd2_invalidate_wallclock: a key absent from the 2024-03-02 snapshot was closed "today")."""

from __future__ import annotations

import duckdb
import pytest

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


def test_a_backlog_of_snapshots_that_scd2_history_reads_is_run_batch_by_batch(tmp_path):
    """Three days delivered before one `elt run`: one run over them loaded the latest snapshot
    only, and member 3's day away (03-02) never reached the history (adversarial rounds 41 and
    42). The run now runs each batch but the last on its own first, as the DAG's daily runs do."""
    import json
    import subprocess

    root = project(tmp_path)
    for day in DAYS:
        ingest = [ELT, "ingest", str(root), "--batch-date", day, "--quiet"]
        assert subprocess.run(ingest, cwd=tmp_path, env=cli_env(), capture_output=True).returncode == 0
    done = subprocess.run([ELT, "run", str(root)], cwd=tmp_path, env=cli_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert history(tmp_path) == replay(tmp_path / "daily")  # one run per day
    assert "run 1 of 3: batch 2024-03-01 on its own" in done.stdout and "run 3 of 3: the rest" in done.stdout
    assert "2 file(s) of batch 2024-03-02 … 2024-03-03 wait for the run of their batch" in done.stdout
    with duckdb.connect(str(tmp_path / "warehouse" / "w.duckdb"), read_only=True) as conn:
        runs = conn.execute("SELECT COUNT(DISTINCT run_id) FROM elt.run_log WHERE step = 'build:dim_roster'").fetchone()
    assert runs == (3,)  # each its own run in the run log

    again = project(tmp_path / "json")
    for day in DAYS:
        ingest = [ELT, "ingest", str(again), "--batch-date", day, "--quiet"]
        assert subprocess.run(ingest, cwd=tmp_path / "json", env=cli_env(), capture_output=True).returncode == 0
    told = subprocess.run(
        [ELT, "run", str(again), "--format", "json"],
        cwd=tmp_path / "json",
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    result = json.loads(told.stdout)
    assert result["batches_run_one_by_one"] == ["2024-03-01", "2024-03-02"]
    # each step names its run: one run per batch, the last one the result's
    taken_by = [step["run_id"] for step in result["steps"] if step["step"] == "build:dim_roster"]
    assert len(taken_by) == len(set(taken_by)) == 3 and taken_by[-1] == result["run_id"]
    assert history(tmp_path / "json") == history(tmp_path)


def test_a_run_naming_its_batch_date_loads_a_backlog_as_one_batch(tmp_path):
    """--batch-date (and a DAG run's logical date) names the run's batch: it is not split."""
    import subprocess

    root = project(tmp_path)
    for day in DAYS:
        ingest = [ELT, "ingest", str(root), "--batch-date", day, "--quiet"]
        assert subprocess.run(ingest, cwd=tmp_path, env=cli_env(), capture_output=True).returncode == 0
    done = subprocess.run(
        [ELT, "run", str(root), "--batch-date", "2024-03-03"],
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "on its own" not in done.stdout, done.stdout
    assert (3, "Faro", "2024-03-01 08:00:00", "9999-12-31 00:00:00") in history(tmp_path)  # its day away unseen


ROSTER_VIEW = """\
version: 1
kind: model
name: roster_now
layer: staging
materialization: view
depends_on: [roster]
keys: {business: [member_id]}
sql: SELECT member_id, city, updated_at FROM roster
columns:
  - {name: member_id, type: integer, nullable: false}
  - {name: city, type: string, nullable: false}
  - {name: updated_at, type: timestamp, nullable: false}
"""


def roster_project(folder, through_view: bool):
    """The roster project; its SCD2 model reading the snapshot directly or through a view."""
    root = project(folder)
    if through_view:
        (root / "models" / "roster_now.yml").write_text(ROSTER_VIEW)
        model = root / "models" / "dim_roster.yml"
        model.write_text(
            model.read_text().replace("[roster]", "[roster_now]").replace("FROM roster", "FROM roster_now")
        )
    return root


@pytest.mark.parametrize("through_view", [False, True], ids=["reads the snapshot", "reads it through a view"])
def test_a_batch_date_named_before_the_batch_a_run_loads_closes_keys_at_that_batch(tmp_path, through_view):
    """Adversarial round 42 (run_batch_date_before_batch): `--batch-date 2024-03-01` over the
    03-02 snapshot closed member 3 at 03-01 00:00, before the 03-01 snapshot that still held it.
    Keys are closed at the batch that shows them gone, and the build says so; the same when the
    SCD2 model reads the snapshot through another model."""
    import json
    import subprocess

    root = roster_project(tmp_path, through_view)
    for command in (
        ["ingest", str(root), "--batch-date", "2024-03-01"],
        ["run", str(root), "--batch-date", "2024-03-01"],
        ["ingest", str(root), "--batch-date", "2024-03-02"],
    ):
        assert subprocess.run([ELT, *command, "--quiet"], cwd=tmp_path, env=cli_env()).returncode == 0
    done = subprocess.run(
        [ELT, "run", str(root), "--batch-date", "2024-03-01", "--format", "json"],
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    build = next(s for s in json.loads(done.stdout)["steps"] if s["step"] == "build:dim_roster")
    assert (
        "keys absent from batch 2024-03-02 are closed at 2024-03-02 00:00, that batch's, not at the run's "
        "--batch-date 2024-03-01" in build["detail"]
    ), build
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)


def test_a_snapshot_an_scd2_model_missed_is_dated_by_its_batch_or_said(tmp_path):
    """Adversarial round 41 (scd2_delete_dated_by_later_run): the 03-02 snapshot loaded by a run
    that left dim_roster out; the next run closed member 3 at its own batch (03-03), not at the
    snapshot's. A model that reads snapshots only closes keys at the batch of the snapshot it is
    built from; and a snapshot replaced before such a model saw it is said by the load."""
    import json
    import subprocess

    def cli(folder, *args):
        done = subprocess.run([ELT, *args], cwd=folder, env=cli_env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    root = project(tmp_path)
    cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-01", "--quiet")
    cli(tmp_path, "run", str(root), "--quiet")
    cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-02", "--quiet")
    cli(tmp_path, "run", str(root), "--quiet", "--exclude", "dim_roster")
    for when in ("2024-03-03", None):  # a day with nothing new of the roster, then without --batch-date
        cli(tmp_path, "run", str(root), "--quiet", *(("--batch-date", when) if when else ()))
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)  # the snapshot's batch

    again = project(tmp_path / "missed")
    cli(tmp_path / "missed", "ingest", str(again), "--batch-date", "2024-03-01", "--quiet")
    cli(tmp_path / "missed", "run", str(again), "--quiet")
    cli(tmp_path / "missed", "ingest", str(again), "--batch-date", "2024-03-02", "--quiet")
    cli(tmp_path / "missed", "run", str(again), "--quiet", "--exclude", "dim_roster")
    cli(tmp_path / "missed", "ingest", str(again), "--batch-date", "2024-03-03", "--quiet")
    # a run naming its batch (a DAG run) cannot build the reader first: the load says what it lost
    done = cli(tmp_path / "missed", "run", str(again), "--batch-date", "2024-03-03", "--format", "json")
    load = next(s for s in json.loads(done.stdout)["steps"] if s["step"] == "load:roster")
    assert load["status"] == "warned", load
    assert "dim_roster never built from the snapshot this one replaces" in load["detail"], load


def _cli(folder, *args, code=0):
    import subprocess

    done = subprocess.run([ELT, *args], cwd=folder, env=cli_env(), capture_output=True, text=True)
    assert done.returncode == code, done.stdout + done.stderr
    return done


def test_a_backlog_stopped_by_a_refused_batch_builds_history_from_the_batches_before_it(tmp_path):
    """Adversarial round 43 (refused_batch_skips_scd2): 03-02 complete, 03-03 refused at ingest,
    03-04 complete: the run loaded 03-02's snapshot and built nothing that reads it (a later
    batch waited); once 03-03 was corrected, 03-02's snapshot was replaced unseen."""
    root = project(tmp_path)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-01", "--quiet")
    _cli(tmp_path, "run", str(root), "--quiet")
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-02", "--quiet")
    good = (tmp_path / "landing" / "2024-03-03" / "roster_2024-03-03.csv").read_text()
    (tmp_path / "landing" / "2024-03-03" / "roster_2024-03-03.csv").write_text("member_id;city\n1;Porto\n")
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-03", "--quiet", code=1)
    (tmp_path / "landing" / "2024-03-04").mkdir()
    (tmp_path / "landing" / "2024-03-04" / "roster_2024-03-04.csv").write_text(good)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-04", "--quiet")
    _cli(tmp_path, "run", str(root), code=1)  # 03-03 is incomplete: its load fails, naming it
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)  # 03-02 was seen
    (tmp_path / "landing" / "2024-03-03" / "roster_2024-03-03.csv").write_text(good)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-03", "--quiet")
    _cli(tmp_path, "run", str(root), "--quiet")
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)


def test_a_snapshot_loaded_by_a_run_that_built_nothing_from_it_is_built_from_before_the_next(tmp_path):
    """Adversarial round 43 (kill_mid_backlog_loses_snapshot): a run killed after its snapshot
    load committed (here: a run that left the reader out), then the next day's delivery: the
    next `elt run` loaded the new snapshot over the unseen one. It now builds the reader from the
    snapshot it missed first, and ends as one run per day does."""
    root = project(tmp_path)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-01", "--quiet")
    _cli(tmp_path, "run", str(root), "--quiet")
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-02", "--quiet")
    _cli(tmp_path, "run", str(root), "--quiet", "--exclude", "dim_roster")
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-03", "--quiet")
    done = _cli(tmp_path, "run", str(root))
    assert "run 1 of 2: batch 2024-03-02 on its own" in done.stdout, done.stdout
    assert history(tmp_path) == replay(tmp_path / "daily")


def test_an_scd2_model_moved_away_and_back_keeps_what_it_recorded_away(tmp_path):
    """Adversarial round 43 (scd2_move_back_loses_closure): member 3, gone from the 03-02
    snapshot while the dimension was in dwh2, was closed there; back in dwh, the version left
    open in the old table won, and the closure was lost."""
    root = project(tmp_path)
    pipeline = root / "pipeline.yml"
    for day, schema in (("2024-03-01", "dwh"), ("2024-03-02", "dwh2"), ("2024-03-03", "dwh")):
        pipeline.write_text(PIPELINE.replace("dimension: dwh,", f"dimension: {schema},"))
        _cli(tmp_path, "ingest", str(root), "--batch-date", day, "--quiet")
        _cli(tmp_path, "run", str(root), "--quiet")
    assert history(tmp_path) == replay(tmp_path / "never moved")


def test_the_latest_snapshot_runs_on_its_own_when_another_source_has_a_later_batch(tmp_path):
    """Adversarial round 44 (backlog_snapshot_deletion_closed_at_later_batch): the backlog's last
    snapshot (03-02) loaded with a later batch of another source (03-03) was dated by that batch:
    a deletion it showed closed at 03-03. It now runs on its own too."""
    root = project(tmp_path)
    (root / "sources" / "visits.yml").write_text(
        SOURCE.replace("name: roster", "name: visits")
        .replace("roster_*.csv", "visits_*.csv")
        .replace("load_mode: full_refresh", "load_mode: append")
    )
    (tmp_path / "landing" / "2024-03-03" / "roster_2024-03-03.csv").unlink()
    (tmp_path / "landing" / "2024-03-03" / "visits_2024-03-03.csv").write_text(
        "member_id,city,updated_at\n1,Porto,2024-03-03 07:00:00\n"
    )
    for day in DAYS:
        _cli(tmp_path, "ingest", str(root), "--batch-date", day, "--quiet")
    done = _cli(tmp_path, "run", str(root))
    assert "run 2 of 3: batch 2024-03-02 on its own" in done.stdout, done.stdout
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)


def test_a_partial_run_without_the_history_loads_one_snapshot_at_a_time(tmp_path):
    """Adversarial round 45 (partial_run_over_snapshot_backlog_loses_history): `--select
    source:roster` over two pending snapshots loaded the latest, and the SCD2 model it left out
    never saw the other. Such a run now loads the oldest pending snapshot only (none while the
    model has not seen the one loaded), and the next full run builds the history batch by batch."""
    root = project(tmp_path)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-01", "--quiet")
    _cli(tmp_path, "run", str(root), "--quiet")
    for day in ("2024-03-02", "2024-03-03"):
        _cli(tmp_path, "ingest", str(root), "--batch-date", day, "--quiet")
    for _ in range(2):  # the second finds the model behind: it loads nothing new
        partial = _cli(tmp_path, "run", str(root), "--select", "source:roster")
    assert "1 file(s) of batch 2024-03-03 wait for the run of their batch (this one runs batch 2024-03-02)" in (
        partial.stdout
    ), partial.stdout
    _cli(tmp_path, "run", str(root), "--quiet")
    assert history(tmp_path) == replay(tmp_path / "daily")


def test_a_snapshot_loaded_before_its_scd2_reader_was_ever_built_is_built_from_first(tmp_path):
    """Adversarial round 47 (first_snapshot_loaded_before_reader_built_is_skipped): a warehouse's
    first run, `--select source:roster`, loaded the oldest snapshot; the next full run took the
    never-built model for one with nothing to catch up, and its history started a batch late. A
    second partial run before the model's first build replaced that snapshot too, `ok`."""
    root = project(tmp_path)
    for day in DAYS:
        _cli(tmp_path, "ingest", str(root), "--batch-date", day, "--quiet")
    first = _cli(tmp_path, "run", str(root), "--select", "source:roster")
    assert "wait for the run of their batch (this one runs batch 2024-03-01)" in first.stdout, first.stdout
    second = _cli(tmp_path, "run", str(root), "--select", "source:roster")  # the model never saw 03-01
    assert "wait for the run of their batch (this one runs batch 2024-03-01)" in second.stdout, second.stdout
    done = _cli(tmp_path, "run", str(root))
    assert "run 1 of 3: batch 2024-03-01 on its own" in done.stdout, done.stdout
    assert history(tmp_path) == replay(tmp_path / "daily")


def test_a_snapshot_replacing_one_a_never_built_reader_missed_is_said_by_the_load(tmp_path):
    """A run naming its batch (a DAG run) cannot split a backlog: the load that replaces a snapshot
    an SCD2 model was never built from is `warned`, naming the model (round 47)."""
    import json

    root = project(tmp_path)
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-01", "--quiet")
    _cli(tmp_path, "run", str(root), "--select", "source:roster", "--batch-date", "2024-03-01")
    _cli(tmp_path, "ingest", str(root), "--batch-date", "2024-03-02", "--quiet")
    told = _cli(tmp_path, "run", str(root), "--batch-date", "2024-03-02", "--format", "json")
    load = next(s for s in json.loads(told.stdout)["steps"] if s["step"] == "load:roster")
    assert (
        load["status"] == "warned" and "dim_roster never built from the snapshot this one replaces" in (load["detail"])
    ), load


def test_a_column_added_after_a_key_came_back_fills_its_current_version(tmp_path):
    """Adversarial round 52 (scd2_new_column_null_on_reopened_key): member 3, deleted on 03-02 and
    back on 03-03 with its old row, kept NULL in a column added on 03-04, though the snapshot in
    staging holds its value; every other current version got it. The row it came back with,
    delivered again, is its version's, not a second return."""
    import subprocess

    root = project(tmp_path)
    for day in DAYS:
        for command in (["ingest", str(root), "--batch-date", day], ["run", str(root)]):
            done = subprocess.run(
                [ELT, *command, "--quiet"], cwd=tmp_path, env=cli_env(), capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr
    source, model = root / "sources" / "roster.yml", root / "models" / "dim_roster.yml"
    source.write_text(source.read_text().replace("primary_key:", "  - {name: grade, type: string}\nprimary_key:"))
    model.write_text(
        model.read_text()
        .replace("city, updated_at AS observed_at", "city, grade, updated_at AS observed_at")
        .replace("  - {name: observed_at,", "  - {name: grade, type: string}\n  - {name: observed_at,")
    )
    (tmp_path / "landing" / "2024-03-04").mkdir()
    (tmp_path / "landing" / "2024-03-04" / "roster_2024-03-04.csv").write_text(
        "member_id,city,updated_at,grade\n1,Porto,2024-03-03 07:00:00,A\n3,Faro,2024-03-01 08:00:00,B\n"
    )
    for command in (["ingest", str(root), "--batch-date", "2024-03-04"], ["run", str(root)]):
        done = subprocess.run([ELT, *command, "--quiet"], cwd=tmp_path, env=cli_env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(tmp_path / "warehouse" / "w.duckdb"), read_only=True) as conn:
        current = conn.execute("SELECT member_id, grade FROM dwh.dim_roster WHERE is_current ORDER BY 1").fetchall()
        versions = conn.execute("SELECT COUNT(*) FROM dwh.dim_roster").fetchone()[0]
    assert current == [(1, "A"), (3, "B")]
    assert versions == 4  # no version was added: 1 Lisbon, 1 Porto, 3 until 03-02, 3 back on 03-03


@pytest.mark.parametrize("through_view", [False, True], ids=["reads the snapshot", "reads it through a view"])
def test_a_batch_date_after_the_snapshot_closes_keys_at_the_snapshot_however_it_is_read(tmp_path, through_view):
    """Adversarial round 55 (scd2_late_batch_date_via_model): `--batch-date` later than the 03-02
    snapshot closed member 3 at the snapshot's batch when the SCD2 model read it directly, and
    at the later date when it read it through a view."""
    import subprocess

    root = roster_project(tmp_path, through_view)
    for command in (
        ["ingest", str(root), "--batch-date", "2024-03-01"],
        ["run", str(root), "--batch-date", "2024-03-01"],
        ["ingest", str(root), "--batch-date", "2024-03-02"],
        ["run", str(root), "--batch-date", "2024-03-05"],
    ):
        assert subprocess.run([ELT, *command, "--quiet"], cwd=tmp_path, env=cli_env()).returncode == 0
    assert (3, "Faro", "2024-03-01 08:00:00", "2024-03-02 00:00:00") in history(tmp_path)
