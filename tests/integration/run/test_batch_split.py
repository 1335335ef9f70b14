"""A batch whose files arrive in two ingests, with a run in between (files landing twice a day
under the default batch date, a corrected file delivered again): the batch is the unit, so the
second run reads the batch whole again — its files an earlier run loaded with the new ones — and
staging ends as one load of all its files leaves it (adversarial round 8: snapshot_batch_split,
append_correction_same_batch, conflict_reject_same_batch)."""

from __future__ import annotations

import datetime

import pytest

from tests.support.workspace import Workspace, staging_digests

PIPELINE = """version: 1
kind: pipeline
name: split
owner: tests
schedule: "@daily"
start_date: "2024-01-01"
default_target: local
targets:
  local: {type: local, database: wh.duckdb, lake: lake}
"""

SOURCE = """version: 1
kind: source
name: trips
landing: {{path: "trips*.csv", format: csv, csv: {{delimiter: ",", header: true}}}}
columns:
  - {{name: trip_id, type: string, nullable: false}}
  - {{name: fare, type: "decimal(10,2)", nullable: false}}
{keys}
load_mode: {mode}
{extra}
"""

MODES = {
    "snapshot": dict(mode="full_refresh", keys="", extra=""),
    "append": dict(mode="append", keys="primary_key: [trip_id]", extra=""),
    "append_keyless": dict(mode="append", keys="", extra=""),
    "upsert": dict(mode="upsert", keys="primary_key: [trip_id]", extra=""),
}


def workspaces(tmp_path, source: str) -> tuple[Workspace, Workspace]:
    fixture = tmp_path / "fixture"
    (fixture / "sources").mkdir(parents=True)
    (fixture / "pipeline.yml").write_text(PIPELINE)
    (fixture / "sources" / "trips.yml").write_text(source)
    return Workspace(tmp_path / "between", fixture), Workspace(tmp_path / "once", fixture)


def deliver(folder, name: str, rows: list[tuple[str, str]]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("trip_id,fare\n" + "".join(f"{t},{f}\n" for t, f in rows))
    return folder


def split_and_whole(tmp_path, source: str, first: list, second: list, earlier: list | None = None):
    """(run between the ingests, one run after both): the results of the second runs."""
    between, once = workspaces(tmp_path, source)
    results = []
    for workspace, run_between in ((between, True), (once, False)):
        landing = tmp_path / f"landing-{workspace.folder.name}"
        if earlier:  # a batch before: what the split batch changes
            assert not workspace.ingest(
                deliver(tmp_path / f"d0-{workspace.folder.name}", "trips_0.csv", earlier), "2023-12-31"
            ).failed
            assert workspace.run(datetime.datetime(2023, 12, 31)).ok
        assert not workspace.ingest(deliver(landing, "trips_1.csv", first), "2024-01-01").failed
        if run_between:
            assert workspace.run(datetime.datetime(2024, 1, 1, 8)).ok
        assert not workspace.ingest(deliver(landing, "trips_2.csv", second), "2024-01-01").failed
        results.append(workspace.run(datetime.datetime(2024, 1, 1, 20)))
    return between, once, results


@pytest.mark.parametrize("mode", ["snapshot", "append", "append_keyless", "upsert"])
def test_a_batch_whose_files_arrive_in_two_ingests_loads_as_one_load_of_them(tmp_path, mode):
    # the second file: another trip, and (keyed modes) the first trip again with another fare,
    # which one load of the batch resolves by its conflict policy (keep_last: the later file)
    second = [("t2", "7.00")] if mode in ("snapshot", "append_keyless") else [("t2", "7.00"), ("t1", "12.00")]
    between, once, (split, whole) = split_and_whole(tmp_path, SOURCE.format(**MODES[mode]), [("t1", "10.00")], second)
    assert whole.ok, [(o.step, o.error) for o in whole.outcomes if o.error]
    assert split.ok, [(o.step, o.error) for o in split.outcomes if o.error]
    load = next(o for o in split.outcomes if o.step == "load:trips")
    assert "batch 2024-01-01 loaded whole again with the 1 file(s) of it an earlier run loaded" in load.detail, load
    assert staging_digests(between.warehouse) == staging_digests(once.warehouse)
    rows = between.query("SELECT trip_id, CAST(fare AS VARCHAR) FROM staging.trips ORDER BY 1, 2")
    expected = {
        "snapshot": [("t1", "10.00"), ("t2", "7.00")],  # the batch is both files (before: t2 alone)
        "append_keyless": [("t1", "10.00"), ("t2", "7.00")],  # t1 once, not loaded twice
    }.get(mode, [("t1", "12.00"), ("t2", "7.00")])  # the correction wins (before, append failed)
    assert rows == expected


def test_a_conflict_rejected_across_the_two_ingests_refuses_and_the_reload_ends_as_one_load(tmp_path):
    """on_conflict: reject rejects every row of a key the batch delivers twice, and staging keeps
    what it had before the batch. Split over two runs, the first run already replaced that row:
    the second refuses, naming the reload, and the reload ends as one load of all the files."""
    source = SOURCE.format(mode="upsert", keys="primary_key: [trip_id]", extra="on_conflict: reject")
    between, once, (split, whole) = split_and_whole(
        tmp_path, source, [("t1", "10.00")], [("t1", "12.00")], earlier=[("t1", "9.00")]
    )
    assert whole.ok and once.query("SELECT trip_id, CAST(fare AS VARCHAR) FROM staging.trips") == [("t1", "9.00")]
    load = next(o for o in split.outcomes if o.step == "load:trips")
    assert not split.ok and "elt run --full --select trips+" in load.error, load
    assert between.query("SELECT CAST(fare AS VARCHAR) FROM staging.trips") == [("10.00",)]  # nothing written
    assert between.run(datetime.datetime(2024, 1, 2), full=True).ok
    assert staging_digests(between.warehouse) == staging_digests(once.warehouse)


def test_a_row_an_append_feed_sends_again_keeps_its_first_delivery_however_runs_fall(tmp_path):
    """Adversarial round 8 (append_dup_batch_date): a row re-sent exactly in a later batch
    collapses; with a run per batch the staged row kept its first batch, with one run over both
    the later one — and a model reading `_batch_date` differed. It keeps the first delivery."""
    source = SOURCE.format(**MODES["append"])
    between, once = workspaces(tmp_path, source)
    for workspace, run_between in ((between, True), (once, False)):
        for day, rows in (("2024-01-01", [("t1", "5.00")]), ("2024-01-02", [("t1", "5.00"), ("t2", "3.00")])):
            folder = deliver(tmp_path / f"{workspace.folder.name}-{day}", "trips_1.csv", rows)
            assert not workspace.ingest(folder, day).failed
            if run_between:
                assert workspace.run(datetime.datetime.fromisoformat(day)).ok
        assert workspace.run(datetime.datetime(2024, 1, 3)).ok
    staged = "SELECT trip_id, CAST(_batch_date AS VARCHAR) FROM staging.trips ORDER BY 1"
    assert between.query(staged) == once.query(staged) == [("t1", "2024-01-01"), ("t2", "2024-01-02")]


FARES = """version: 1
kind: model
name: fares
layer: mart
materialization: incremental
incremental: {strategy: merge}
depends_on: [trips]
keys: {business: [fare]}
columns:
  - {name: fare, type: "decimal(10,2)", nullable: false, tests: [unique]}
  - {name: trips, type: bigint, nullable: false}
sql: SELECT t.fare, COUNT(*) AS trips FROM trips t GROUP BY t.fare
"""


def test_a_batch_read_whole_again_rebuilds_the_models_reading_it_whole(tmp_path):
    """Adversarial round 9 (append_reform_moved_key): the batch's earlier rows are replaced, and a
    scoped build reached only the new rows' keys — the key the replaced row had kept its stale
    row. The readers of a batch read whole again rebuild whole, and end as one load leaves them."""
    source = SOURCE.format(**MODES["append"])
    between, once = workspaces(tmp_path, source)
    for workspace in (between, once):
        (workspace.pipeline / "models").mkdir(exist_ok=True)
        (workspace.pipeline / "models" / "fares.yml").write_text(FARES)
    for workspace, run_between in ((between, True), (once, False)):
        landing = tmp_path / f"landing-{workspace.folder.name}"
        assert not workspace.ingest(deliver(landing, "trips_1.csv", [("t1", "10.00")]), "2024-01-01").failed
        if run_between:
            assert workspace.run(datetime.datetime(2024, 1, 1, 8)).ok
        assert not workspace.ingest(deliver(landing, "trips_2.csv", [("t1", "12.00")]), "2024-01-01").failed
        result = workspace.run(datetime.datetime(2024, 1, 1, 20))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    fares = "SELECT CAST(fare AS VARCHAR), trips FROM mart.fares ORDER BY 1"
    assert between.query(fares) == once.query(fares) == [("12.00", 1)]


def test_a_batch_whose_loaded_file_is_gone_from_the_lake_is_not_read_whole_again(tmp_path):
    """Adversarial round 9 (reform_drops_gone_lake_file): reading the batch whole again without
    the file an earlier run loaded from it dropped that file's rows, silently. The load refuses,
    naming the file, and staging keeps its rows."""
    source = SOURCE.format(**MODES["append"])
    between, _ = workspaces(tmp_path, source)
    landing = tmp_path / "landing"
    assert not between.ingest(deliver(landing, "trips_1.csv", [("t1", "10.00")]), "2024-01-01").failed
    assert between.run(datetime.datetime(2024, 1, 1, 8)).ok
    (lost,) = between.lake.rglob("trips_1.parquet")
    lost.unlink()
    (landing / "trips_1.csv").unlink()
    assert not between.ingest(deliver(landing, "trips_2.csv", [("t2", "7.00")]), "2024-01-01").failed
    result = between.run(datetime.datetime(2024, 1, 1, 20))
    load = next(o for o in result.outcomes if o.step == "load:trips")
    assert load.status == "failed" and "trips_1.parquet" in load.error and "is no longer in the lake" in load.error
    assert between.query("SELECT trip_id FROM staging.trips") == [("t1",)]
