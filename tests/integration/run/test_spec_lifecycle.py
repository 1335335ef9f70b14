"""A pipeline lives for weeks: specs are deleted and put back, layers move to other schemas.
After each, the warehouse equals a fresh load of the same lake under the same specs
(adversarial round 22: the state of a model or source describes the table it wrote, not
whatever table has its name now)."""

from __future__ import annotations

import datetime
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.integration.run.test_incremental import shop_delivery
from tests.support.workspace import Workspace, model_digests, staging_digests

DAYS = [
    ({1: ("gold", "Oslo"), 2: ("silver", "Rome")}, [("p1", 1, "2024-01-05"), ("p2", 2, "2024-01-05")]),
    ({2: ("gold", "Rome"), 3: ("bronze", "Faro")}, [("p3", 2, "2024-01-06"), ("p4", 3, "2024-01-06")]),
    ({1: ("silver", "Oslo")}, [("p5", 1, "2024-01-07")]),
]


def _deliver(workspace: Workspace, folder, day: int) -> None:
    members, bought = DAYS[day]
    landing = shop_delivery(folder / f"day{day + 1:02d}", members, bought)
    assert not workspace.ingest(landing, f"2024-02-{day + 1:02d}").failed


def _run(workspace: Workspace, day: int):
    result = workspace.run(datetime.datetime(2024, 2, day + 1))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    return {o.step: o for o in result.outcomes}


def _fresh(tmp_path, pipeline) -> tuple[dict[str, str], dict[str, str]]:
    """The same days, each ingested and run, under the specs at `pipeline` throughout (a run a
    day: the members' history is what the daily loads saw of it)."""
    workspace = Workspace(tmp_path / "fresh", pipeline)
    for day in range(len(DAYS)):
        _deliver(workspace, tmp_path / "fresh-landing", day)
        _run(workspace, day)
    return staging_digests(workspace.warehouse), model_digests(workspace.warehouse)


def _same_tables(actual: dict[str, str], expected: dict[str, str]) -> dict[str, str]:
    """`actual`'s digests of the tables `expected` has (a table left behind elsewhere aside)."""
    assert expected.keys() <= actual.keys(), (expected.keys(), actual.keys())
    return {name: actual[name] for name in expected}


def _delete_and_put_back(workspace: Workspace, tmp_path, while_deleted) -> None:
    models = workspace.pipeline / "models"
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in ("fact_purchase.yml", "fact_purchase.sql"):
        shutil.move(models / name, kept / name)
    while_deleted()
    for name in ("fact_purchase.yml", "fact_purchase.sql"):
        shutil.move(kept / name, models / name)


def test_a_model_deleted_and_put_back_equals_a_fresh_load(tmp_path):
    """Deleted, the model's table stays and its inputs move on; put back, it was built from
    the changed keys its readers' records kept, which the runs without it had pruned. A model
    whose spec a run found deleted now comes back made anew, built whole."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _deliver(workspace, tmp_path, 0)
    _run(workspace, 0)

    def a_day_without_it():
        _deliver(workspace, tmp_path, 1)
        assert "build:fact_purchase" not in _run(workspace, 1)

    _delete_and_put_back(workspace, tmp_path, a_day_without_it)
    _deliver(workspace, tmp_path, 2)
    build = _run(workspace, 2)["build:fact_purchase"]
    assert build.status == "ok" and "its spec was deleted and is back" in build.detail, build
    staging, models = _fresh(tmp_path, workspace.pipeline)
    assert staging_digests(workspace.warehouse) == staging
    assert model_digests(workspace.warehouse) == models
    again = _run(workspace, 2)
    assert {o.status for o in again.values()} <= {"nothing new", "up to date"}, again


def test_a_model_whose_inputs_moved_on_in_a_run_without_it_is_not_up_to_date(tmp_path):
    """Its input loaded in a run it was not part of (its spec deleted, that run building
    nothing, so pruning nothing), and put back in a run with nothing new: `elt run` said `up to
    date` (nothing upstream changed in this run) and kept the rows it had. Every run now records
    a deleted model as such: it comes back made anew."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _deliver(workspace, tmp_path, 0)
    _run(workspace, 0)

    def purchases_only():
        landing = shop_delivery(tmp_path / "day02", {}, [("p3", 2, "2024-01-06")])
        assert not workspace.ingest(landing, "2024-02-02").failed
        outcomes = _run(workspace, 1)
        assert outcomes["load:purchases"].status == "ok" and outcomes["build:dim_member"].status == "up to date"

    _delete_and_put_back(workspace, tmp_path, purchases_only)
    build = _run(workspace, 1)["build:fact_purchase"]
    assert build.status == "ok" and "its spec was deleted and is back" in build.detail, build
    assert workspace.query("SELECT purchase_id FROM dwh.fact_purchase ORDER BY 1") == [("p1",), ("p2",), ("p3",)]


def _schemas(workspace: Workspace, **moved: str) -> None:
    schemas = {"staging": "staging", "dimension": "dwh", "fact": "dwh", "mart": "mart", "internal": "elt", **moved}
    spec = workspace.pipeline / "pipeline.yml"
    text = spec.read_text().split("\nschemas:")[0].rstrip("\n")
    flow = ", ".join(f"{layer}: {schema}" for layer, schema in schemas.items())
    spec.write_text(f"{text}\nschemas: {{{flow}}}\n")


@pytest.mark.parametrize("layer,moved_to", [("fact", "dwh2"), ("staging", "stg2")])
def test_a_layer_moved_to_another_schema_and_back_equals_a_fresh_load(tmp_path, layer, moved_to):
    """Moved, its tables are made anew in the other schema and filled whole; moved back, the
    tables left behind were trusted as they were (a staging table then missed for good the rows
    loaded elsewhere: the ledger said them loaded). The state now records the table it wrote: a
    table that is not it is made anew and rebuilt (a staging table: reloaded from the lake)."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _schemas(workspace)
    _deliver(workspace, tmp_path, 0)
    _run(workspace, 0)
    _schemas(workspace, **{layer: moved_to})
    _deliver(workspace, tmp_path, 1)
    first = _run(workspace, 1)
    _schemas(workspace)
    _deliver(workspace, tmp_path, 2)
    back = _run(workspace, 2)
    step = "load:members" if layer == "staging" else "build:fact_purchase"
    origin = "staging.members" if layer == "staging" else "dwh.fact_purchase"
    assert f"its table moved from {origin}" in first[step].detail, first[step]
    assert f"its table moved from {moved_to}." in back[step].detail, back[step]
    staging, models = _fresh(tmp_path, workspace.pipeline)
    assert _same_tables(staging_digests(workspace.warehouse), staging) == staging
    assert _same_tables(model_digests(workspace.warehouse), models) == models
    again = _run(workspace, 2)
    assert {o.status for o in again.values()} <= {"nothing new", "up to date"}, again


def test_plan_compare_names_a_table_that_moves(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _schemas(workspace)
    compiled = workspace.cli("compile", str(workspace.pipeline), "--target", "duckdb", "--out", str(tmp_path / "c"))
    assert compiled.returncode == 0, compiled.stderr
    manifest = tmp_path / "c" / "manifest.json"
    _schemas(workspace, mart="reporting", staging="stg2")
    report = workspace.cli("plan", str(workspace.pipeline), "--target", "duckdb", "--compare", str(manifest))
    assert report.returncode == 0, report.stderr
    assert "its table moves from staging.members to stg2.members: made anew there and reloaded from the lake" in (
        report.stdout
    )
    assert "fact_purchase" in report.stdout and "rebuild (upstream)" in report.stdout
