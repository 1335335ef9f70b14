"""A column retyped in a source spec is told at run time (the live table's information_schema
type against the spec's), and `elt run --full` reloads a source from the lake: its table made
anew under the spec as it is, every lake file read again in one transaction, its ledger and
rejects recorded again, and the models reading it rebuilt whole — ending equal to a warehouse
that loaded the same files from scratch. A reload that would lose rows (a file the ledger
records is gone from the lake) is refused."""

from __future__ import annotations

import datetime
from pathlib import Path

from framework.compile.selection import SelectionRequest
from framework.run.options import RunOptions
from framework.run.runner import run_pipeline
from tests.conftest import FIXTURES
from tests.integration.run.test_incremental import write_purchases
from tests.support.workspace import Workspace, model_digests, staging_digests

DAYS = ("2024-02-01", "2024-02-02", "2024-02-03")


def _delivery(folder: Path, day: int, purchases: list[tuple[str, int, str]]) -> Path:
    """Members 1 and 2, re-sent unchanged (dim_member is an SCD2 of an upsert source: its history
    depends on which versions each run saw) and purchases (id, member, amount)."""
    folder.mkdir(parents=True)
    lines = ["member_id;email;tier;city;updated_at"]
    lines += [f"{i};m{i}@example.com;gold;Oslo;2024-01-01 10:00:00" for i in (1, 2)]
    (folder / f"members_2024-01-0{day}.csv").write_text("\n".join(lines) + "\n")
    write_purchases(folder, [(pid, member, amount, f"2024-01-0{day} 12:00:00") for pid, member, amount in purchases])
    return folder


DELIVERIES = (
    [("a", 1, "10.00"), ("b", 2, "20.00")],
    [("c", 1, "30.00")],
    [("d", 2, "123456789.50")],  # needs decimal(14,2): decimal(10,2) holds 8 digits before the point
)


def _widen(workspace: Workspace) -> None:
    """amount: decimal(10,2) → decimal(14,2), in the source and in the fact that copies it."""
    for spec in (workspace.pipeline / "sources" / "purchases.yml", workspace.pipeline / "models" / "fact_purchase.yml"):
        spec.write_text(spec.read_text().replace("decimal(10,2)", "decimal(14,2)"))


def _run(workspace: Workspace, day: str, full: bool = False, select: tuple[str, ...] = ()):
    options = RunOptions(datetime.datetime.fromisoformat(day), full, selection=SelectionRequest.parse(select))
    return run_pipeline(str(workspace.pipeline), workspace.settings(), options)


def _outcomes(result) -> dict:
    return {o.step: o for o in result.outcomes}


def _column_type(workspace: Workspace, schema: str, table: str, column: str) -> str:
    return workspace.query(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "AND column_name = ?",
        [schema, table, column],
    )[0][0]


def _from_scratch(tmp_path: Path) -> Workspace:
    """The three deliveries loaded by one run under the widened spec."""
    workspace = Workspace(tmp_path / "scratch", FIXTURES / "tiny_shop")
    _widen(workspace)
    for day, (date, purchases) in enumerate(zip(DAYS, DELIVERIES, strict=True), start=1):
        assert not workspace.ingest(_delivery(tmp_path / f"s{day}", day, purchases), date).failed
    assert _run(workspace, DAYS[-1]).ok
    return workspace


def test_a_retyped_source_column_is_refused_by_name_and_a_full_run_reloads_it_from_the_lake(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day, (date, purchases) in enumerate(zip(DAYS[:2], DELIVERIES[:2], strict=True), start=1):
        assert not workspace.ingest(_delivery(tmp_path / f"d{day}", day, purchases), date).failed
        assert _run(workspace, date).ok
    _widen(workspace)
    assert not workspace.ingest(_delivery(tmp_path / "d3", 3, DELIVERIES[2]), DAYS[2]).failed

    refused = _outcomes(_run(workspace, DAYS[2]))
    load, build = refused["load:purchases"], refused["build:fact_purchase"]
    assert load.status == "failed" and build.status == "skipped", (load, build)
    assert "staging.purchases has column amount as decimal(10,2) where the spec declares decimal(14,2)" in load.error
    assert "elt run --full --select purchases+" in load.error
    assert workspace.query("SELECT COUNT(*) FROM staging.purchases") == [(3,)]  # nothing lost, nothing half-loaded

    reloaded = _run(workspace, DAYS[2], full=True, select=("purchases+",))
    outcomes = _outcomes(reloaded)
    assert reloaded.ok, [(o.step, o.error) for o in reloaded.outcomes if o.error]
    assert outcomes["load:purchases"].detail.startswith("reloaded from the lake: 3 file(s), 4 row(s)")
    assert "load:members" not in outcomes  # not selected: not reloaded
    assert _column_type(workspace, "staging", "purchases", "amount") == "DECIMAL(14,2)"
    assert _column_type(workspace, "dwh", "fact_purchase", "amount") == "DECIMAL(14,2)"
    # each file recorded once, by the reload
    ledger = workspace.query(
        "SELECT COUNT(*), COUNT(DISTINCT path), COUNT(DISTINCT load_seq) FROM elt.file_ledger WHERE source = 'purchases'"
    )
    assert ledger == [(3, 3, 1)]

    scratch = _from_scratch(tmp_path)
    assert staging_digests(workspace.warehouse) == staging_digests(scratch.warehouse)
    assert model_digests(workspace.warehouse) == model_digests(scratch.warehouse)

    idle = _run(workspace, DAYS[2])  # the next run: nothing to do, nothing refused
    assert {o.status for o in idle.outcomes} <= {"nothing new", "up to date"}, idle.outcomes


def test_the_readers_of_a_reloaded_source_rebuild_whole_on_their_next_build(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day, (date, purchases) in enumerate(zip(DAYS[:2], DELIVERIES[:2], strict=True), start=1):
        assert not workspace.ingest(_delivery(tmp_path / f"d{day}", day, purchases), date).failed
        assert _run(workspace, date).ok
    marker = workspace.query("SELECT MAX(_build_seq) FROM dwh.fact_purchase")[0][0]

    only_the_source = _outcomes(_run(workspace, DAYS[1], full=True, select=("purchases",)))
    assert only_the_source["load:purchases"].detail.startswith("reloaded from the lake: 2 file(s), 3 row(s)")
    assert "build:fact_purchase" not in only_the_source

    after = _outcomes(_run(workspace, DAYS[1]))
    build = after["build:fact_purchase"]
    assert build.status == "ok" and "whole: purchases was reloaded from the lake" in build.detail, build
    assert after["load:purchases"].status == "nothing new"
    # every row written again by that whole build (a scoped one would have kept some rows' marker)
    assert workspace.query("SELECT MIN(_build_seq) > ? FROM dwh.fact_purchase", [marker]) == [(True,)]

    again = _outcomes(_run(workspace, DAYS[1]))
    assert again["build:fact_purchase"].status == "up to date"


def test_a_reload_that_would_lose_rows_is_refused_and_the_table_keeps_them(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day, (date, purchases) in enumerate(zip(DAYS[:2], DELIVERIES[:2], strict=True), start=1):
        assert not workspace.ingest(_delivery(tmp_path / f"d{day}", day, purchases), date).failed
        assert _run(workspace, date).ok
    (gone,) = list((workspace.lake / "tiny_shop" / "purchases").glob("batch_date=2024-02-01/*.parquet"))
    gone.unlink()

    load = _outcomes(_run(workspace, DAYS[1], full=True, select=("purchases",)))["load:purchases"]
    assert load.status == "failed"
    assert "1 file(s) the ledger records as loaded are no longer in the lake" in load.error, load.error
    assert "batch_date=2024-02-01" in load.error
    assert workspace.query("SELECT purchase_id FROM staging.purchases ORDER BY 1") == [("a",), ("b",), ("c",)]


def test_a_reload_after_a_column_was_added_reads_older_files_as_null(tmp_path):
    """Adversarial round 7 (added_column_old_files_binder_error): a column added to a source spec
    failed every DuckDB load that read only files ingested before it (`Referenced column not
    found`), the documented `--full` reload included. The spec's columns go into a table by name:
    a column no file has is NULL."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day, (date, purchases) in enumerate(zip(DAYS[:2], DELIVERIES[:2], strict=True), start=1):
        assert not workspace.ingest(_delivery(tmp_path / f"d{day}", day, purchases), date).failed
        assert _run(workspace, date).ok
    spec = workspace.pipeline / "sources" / "purchases.yml"
    spec.write_text(spec.read_text().replace("primary_key:", "  - {name: channel, type: string}\nprimary_key:"))
    reloaded = _outcomes(_run(workspace, DAYS[1], full=True, select=("purchases",)))
    assert reloaded["load:purchases"].status == "ok", reloaded["load:purchases"]
    assert workspace.query("SELECT COUNT(*), COUNT(channel) FROM staging.purchases") == [(3, 0)]


def test_a_retyped_source_column_is_told_even_when_nothing_new_arrived(tmp_path):
    """The live types are read at setup anyway: a source spec changed in a way its table cannot
    follow is refused at the next run, not at the next delivery (adversarial round 7)."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    assert not workspace.ingest(_delivery(tmp_path / "d1", 1, DELIVERIES[0]), DAYS[0]).failed
    assert _run(workspace, DAYS[0]).ok
    _widen(workspace)
    load = _outcomes(_run(workspace, DAYS[0]))["load:purchases"]
    assert load.status == "failed" and "has column amount as decimal(10,2)" in load.error, load
