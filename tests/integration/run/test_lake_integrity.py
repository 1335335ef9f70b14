"""The lake as ingest left it is what a run loads (adversarial round 6): a lake file gone or
damaged before any run loaded it stops its batch naming the file — never passed over in
silence — and ingesting the delivery again re-creates it; an ingest interrupted before its
batch record was written is completed by the next ingest of the same delivery."""

from __future__ import annotations

import datetime

from tests.conftest import FIXTURES
from tests.integration.run.test_incremental import shop_delivery
from tests.support.workspace import Workspace, model_digests, staging_digests

DAY2 = datetime.datetime(2024, 2, 2)


def _two_days(tmp_path):
    """Day 1 loaded; day 2 ingested, not yet run. Returns the workspace and day 2's landing folder."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    day1 = shop_delivery(tmp_path / "day01", {1: ("gold", "Oslo")}, [("p1", 1, "2024-01-05")])
    day2 = shop_delivery(tmp_path / "day02", {2: ("silver", "Rome")}, [("p2", 2, "2024-01-06")])
    assert not workspace.ingest(day1, "2024-02-01").failed
    assert workspace.run(datetime.datetime(2024, 2, 1)).ok
    assert not workspace.ingest(day2, "2024-02-02").failed
    return workspace, day2


def _reference(tmp_path) -> dict[str, str]:
    workspace, _ = _two_days(tmp_path / "reference")
    assert workspace.run(DAY2).ok
    return staging_digests(workspace.warehouse)


def _outcomes(result) -> dict:
    return {o.step: o for o in result.outcomes}


def test_a_delivery_deleted_from_the_lake_before_its_run_stops_the_run_until_ingested_again(tmp_path):
    workspace, day2 = _two_days(tmp_path)
    for lake_file in (workspace.lake / "tiny_shop").glob("*/batch_date=2024-02-02/*.parquet"):
        lake_file.unlink()  # the whole delivery: no source has anything new
    result = workspace.run(DAY2)
    assert not result.ok
    failed = [o for o in result.outcomes if o.step.startswith("load:")]
    assert all(o.status == "failed" and "which is not in the lake" in o.error for o in failed), failed
    assert "run `elt ingest` for that delivery again" in failed[0].error

    report = workspace.ingest(day2, "2024-02-02")
    assert not report.failed and all("ingested again into batch 2024-02-02" in " ".join(r.notes) for r in report.files)
    assert workspace.run(DAY2).ok
    assert staging_digests(workspace.warehouse) == _reference(tmp_path)


def test_a_lake_file_damaged_before_its_run_fails_its_batch_and_a_new_ingest_repairs_it(tmp_path):
    workspace, day2 = _two_days(tmp_path)
    (damaged,) = list((workspace.lake / "tiny_shop" / "purchases").glob("batch_date=2024-02-02/*.parquet"))
    damaged.write_bytes(damaged.read_bytes()[:100])  # truncated
    outcomes = _outcomes(workspace.run(DAY2))
    assert outcomes["load:purchases"].status == "failed"
    assert "whose bytes changed since it was ingested" in outcomes["load:purchases"].error
    assert outcomes["load:members"].status == "failed"  # the batch loads whole or not at all
    assert workspace.query("SELECT COUNT(*) FROM staging.members") == [(1,)]

    report = workspace.ingest(day2, "2024-02-02")
    assert not report.failed
    assert workspace.run(DAY2).ok
    assert staging_digests(workspace.warehouse) == _reference(tmp_path)


def test_an_ingest_stopped_before_its_batch_record_is_completed_by_ingesting_again(tmp_path):
    """What an interrupt between the landing records and the batch record leaves: every file
    ingested and recorded as such, no batch record. The next ingest skips the files and writes it."""
    workspace, day2 = _two_days(tmp_path)
    (workspace.lake / "tiny_shop" / "_batches" / "batch_date=2024-02-02.json").unlink()
    blocked = _outcomes(workspace.run(DAY2))
    assert "batch 2024-02-02 has no batch record" in blocked["load:members"].error

    report = workspace.ingest(day2, "2024-02-02")
    assert all(r.skipped for r in report.files), report.files
    assert workspace.run(DAY2).ok
    assert staging_digests(workspace.warehouse) == _reference(tmp_path)


def test_a_table_dropped_outside_elt_is_made_anew_and_filled_as_from_scratch(tmp_path):
    """A staging table dropped by hand was made anew, empty, by the next run's setup, and stayed
    empty (its files were in the ledger) while the models kept rows no input held; a model table
    dropped stayed empty until `--full`. Setup now sees the table gone: the source's next load
    reads every lake file again, the model's next build is whole."""
    import duckdb

    workspace, _ = _two_days(tmp_path)
    assert workspace.run(DAY2).ok
    digests = model_digests(workspace.warehouse)
    with duckdb.connect(str(workspace.warehouse)) as conn:
        conn.execute("DROP TABLE staging.members")
        conn.execute("DROP TABLE dwh.fact_purchase")
    outcomes = _outcomes(workspace.run(DAY2))
    assert outcomes["load:members"].status == "ok" and outcomes["load:members"].detail.startswith("2 file(s)")
    assert outcomes["load:purchases"].status == "nothing new"
    build = outcomes["build:fact_purchase"]
    assert build.status == "ok" and "whole: its table was gone (dropped outside elt)" in build.detail, build
    assert staging_digests(workspace.warehouse) == _reference(tmp_path)
    assert model_digests(workspace.warehouse) == digests
    again = _outcomes(workspace.run(DAY2))
    assert {o.status for o in again.values()} <= {"nothing new", "up to date"}, again


def test_a_dropped_staging_table_with_a_batch_waiting_feeds_that_batch_to_its_readers(tmp_path):
    """Adversarial round 7 (dropped_staging_pending_batch_models_stale): the table made anew was
    refilled from the lake, but its load counted from 1 again, below what the models had read:
    they were built 'scoped to 0 keys' and kept stale rows. The refill counts past its readers
    and they rebuild whole: the same as the run without the drop."""
    import duckdb

    def warehouse(name: str, drop: bool) -> Workspace:
        workspace = Workspace(tmp_path / name, FIXTURES / "tiny_shop")
        day1 = shop_delivery(tmp_path / f"{name}01", {1: ("gold", "Oslo")}, [("p1", 1, "2024-01-05")])
        day2 = shop_delivery(tmp_path / f"{name}02", {1: ("silver", "Rome")}, [("p2", 1, "2024-01-06")])
        assert not workspace.ingest(day1, "2024-02-01").failed
        assert workspace.run(datetime.datetime(2024, 2, 1)).ok
        assert not workspace.ingest(day2, "2024-02-02").failed
        if drop:
            with duckdb.connect(str(workspace.warehouse)) as conn:
                conn.execute("DROP TABLE staging.purchases")
        outcomes = _outcomes(workspace.run(DAY2))
        if drop:  # fact_purchase is scoped by purchases: a reloaded input makes it whole
            build = outcomes["build:fact_purchase"]
            assert "whole: purchases was reloaded from the lake" in build.detail, build
        return workspace

    dropped, kept = warehouse("dropped", True), warehouse("kept", False)
    assert staging_digests(dropped.warehouse) == staging_digests(kept.warehouse)
    assert model_digests(dropped.warehouse) == model_digests(kept.warehouse)
    assert dropped.query("SELECT purchase_id FROM dwh.fact_purchase ORDER BY 1") == [("p1",), ("p2",)]


def test_a_lake_file_damaged_in_place_with_its_size_and_time_kept_is_named_and_repaired(tmp_path):
    """Adversarial round 7 (damaged_lake_file_same_mtime): the lake's checksum cache trusts a
    file's size and modification time, so bytes changed with both kept passed as the file
    ingested; the load failed with the Parquet reader's words, and ingest skipped it. A failed
    load hashes its files again: a damaged one is named, and the next ingest re-creates it."""
    import os

    workspace, day2 = _two_days(tmp_path)
    (damaged,) = list((workspace.lake / "tiny_shop" / "purchases").glob("batch_date=2024-02-02/*.parquet"))
    stat = damaged.stat()
    data = bytearray(damaged.read_bytes())
    data[4:40] = b"\xff" * 36  # the first column chunk's bytes, same length
    damaged.write_bytes(bytes(data))
    os.utime(damaged, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    outcomes = _outcomes(workspace.run(DAY2))
    load = outcomes["load:purchases"]
    assert load.status == "failed" and "holds other bytes than its ingest wrote" in load.error, load
    report = workspace.ingest(day2, "2024-02-02")
    assert any("ingested again" in " ".join(r.notes) for r in report.files), report.files
    assert workspace.run(DAY2).ok
    assert staging_digests(workspace.warehouse) == _reference(tmp_path)
