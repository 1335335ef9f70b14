"""A pipeline lives for weeks: specs are deleted and put back, layers move to other schemas.
After each, the warehouse equals a fresh load of the same lake under the same specs
(adversarial round 22: the state of a model or source describes the table it wrote, not
whatever table has its name now)."""

from __future__ import annotations

import datetime
import decimal
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


@pytest.mark.parametrize("layer,moved_to", [("fact", "dwh2"), ("staging", "stg2"), ("dimension", "dim2")])
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
    step, origin = {
        "staging": ("load:members", "staging.members"),
        "fact": ("build:fact_purchase", "dwh.fact_purchase"),
        # an SCD2 dimension takes its versions along: staging holds one row per member (an upsert
        # source), so a table built from it alone lost every version but the latest (round 38)
        "dimension": ("build:dim_member", "dwh.dim_member"),
    }[layer]
    assert f"moved from {origin}" in first[step].detail, first[step]
    if layer == "dimension":  # back onto the table it left, of its shape: kept with its versions (round 41)
        assert f"moved back from {moved_to}.dim_member onto the table it left here: its versions kept, with those" in (
            back[step].detail
        ), back[step]
    else:
        assert f"moved from {moved_to}." in back[step].detail, back[step]
    if layer != "staging":  # it said "recreated for its spec's new shape" (adversarial round 35)
        assert f"table made anew at {moved_to}.{origin.split('.')[1]} (moved from {origin}" in first[step].detail
        assert "new shape" not in first[step].detail + back[step].detail
        carried = "its versions copied from there" in first[step].detail
        assert carried == (layer == "dimension"), first[step].detail
    staging, models = _fresh(tmp_path, workspace.pipeline)
    assert _same_tables(staging_digests(workspace.warehouse), staging) == staging
    assert _same_tables(model_digests(workspace.warehouse), models) == models
    again = _run(workspace, 2)
    assert {o.status for o in again.values()} <= {"nothing new", "up to date"}, again


def test_an_scd2_dimension_moved_back_onto_an_older_table_of_another_shape_is_made_anew(tmp_path):
    """Adversarial round 40 (scd2_move_back_onto_stale_table_fails): moved away, changed, moved
    back: the table left at the old place has the old columns, and the run refused it as drift
    ("has column(s) city no longer in the spec") where the README makes it anew, with the versions
    copied from where the model was."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _deliver(workspace, tmp_path, 0)
    _run(workspace, 0)
    _schemas(workspace, dimension="dim2")
    _deliver(workspace, tmp_path, 1)
    _run(workspace, 1)
    spec = workspace.pipeline / "models" / "dim_member.yml"
    text = spec.read_text().replace("tracked: [tier, city]", "tracked: [tier]").replace("         city,\n", "")
    spec.write_text(text.replace("  - {name: city, type: string}\n", ""))
    assert workspace.run(datetime.datetime(2024, 2, 2), full=True).ok  # the plan's advice for a column removed
    versions = "SELECT member_id, tier, valid_from, valid_to FROM {}.dim_member ORDER BY 1, 3"
    moved = workspace.query(versions.format("dim2"))
    _schemas(workspace)  # back to dwh, where dwh.dim_member still has `city`
    build = _run(workspace, 1)["build:dim_member"]
    assert "table made anew at dwh.dim_member (moved from dim2.dim_member" in build.detail, build
    assert "its versions copied from there" in build.detail, build
    assert workspace.query(versions.format("dwh")) == moved


def test_reverting_a_move_with_a_change_keeps_the_history_left_at_the_old_place(tmp_path):
    """Adversarial round 41 (scd2_revert_schema_move_drops_history): one commit moved the
    dimension and added a column (its history stayed behind, in place, as the plan said); its
    revert made dwh.dim_member anew from staging, dropping every version but the latest. A model
    moved back onto the table it left, of its shape, now keeps it with its versions."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day in (0, 1):
        _deliver(workspace, tmp_path, day)
        _run(workspace, day)
    versions = "SELECT member_sk, member_id, tier, city, valid_from FROM {}.dim_member ORDER BY 2, 5"
    history = workspace.query(versions.format("dwh"))
    assert len(history) > len({row[1] for row in history}), "the fixture has members with several versions"
    spec = workspace.pipeline / "models" / "dim_member.yml"
    text = spec.read_text()
    _schemas(workspace, dimension="dim2")
    spec.write_text(
        text.replace("         city,\n", "         city,\n         1 AS grade,\n").replace(
            "  - {name: city, type: string}\n", "  - {name: city, type: string}\n  - {name: grade, type: integer}\n"
        )
    )
    _run(workspace, 1)
    assert len(workspace.query(versions.format("dim2"))) < len(history)  # what staging still holds
    _schemas(workspace)
    spec.write_text(text)  # the commit reverted
    build = _run(workspace, 2)["build:dim_member"]
    assert "moved back from dim2.dim_member onto the table it left here: its versions kept" in build.detail, build
    kept = workspace.query(versions.format("dwh"))
    assert set(history) <= set(kept), "a version of the history was lost"


def test_plan_compare_names_a_table_that_moves(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    _schemas(workspace)
    compiled = workspace.cli("compile", str(workspace.pipeline), "--target", "duckdb", "--out", str(tmp_path / "c"))
    assert compiled.returncode == 0, compiled.stderr
    manifest = tmp_path / "c" / "manifest.json"
    _schemas(workspace, mart="reporting", staging="stg2", dimension="dim2")
    report = workspace.cli("plan", str(workspace.pipeline), "--target", "duckdb", "--compare", str(manifest))
    assert report.returncode == 0, report.stderr
    assert (
        "its table moves from dwh.dim_member to dim2.dim_member: made anew there and its versions copied from "
        "there, then built whole"
    ) in report.stdout, report.stdout
    assert "its table moves from staging.members to stg2.members: made anew there and reloaded from the lake" in (
        report.stdout
    )
    assert "fact_purchase" in report.stdout and "rebuild (upstream)" in report.stdout


def test_a_column_added_to_an_scd2_dimension_keeps_its_history(tmp_path):
    """Adversarial round 38 (scd2_history_lost_on_recreate): a column added to an SCD2 model was
    "breaking", and the advised `elt run --full --select dim_member` made the table anew from
    staging, which holds one row per member (an upsert source): every earlier version was lost.
    The column is now added in place; the versions before keep NULL in it."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    for day in range(2):
        _deliver(workspace, tmp_path, day)
        _run(workspace, day)
    versions = "SELECT member_id, tier, valid_from, valid_to FROM dwh.dim_member ORDER BY 1, 3"
    before = workspace.query(versions)
    assert len(before) > len({row[0] for row in before})  # member 2 has a history
    compiled = workspace.cli("compile", str(workspace.pipeline), "--target", "duckdb", "--out", str(tmp_path / "c"))
    assert compiled.returncode == 0, compiled.stderr
    spec = workspace.pipeline / "models" / "dim_member.yml"
    text = spec.read_text().replace("         city,\n", "         city,\n         email,\n")
    spec.write_text(
        text.replace(
            "  - {name: city, type: string}\n", "  - {name: city, type: string}\n  - {name: email, type: string}\n"
        )
    )
    report = workspace.cli(
        "plan", str(workspace.pipeline), "--target", "duckdb", "--compare", str(tmp_path / "c" / "manifest.json")
    )
    assert report.returncode == 0, report.stderr
    assert "additive" in report.stdout and "breaking" not in report.stdout, report.stdout
    assert "keep NULL in the new column(s)" in report.stdout, report.stdout
    assert _run(workspace, 1)["build:dim_member"].status == "ok"
    assert workspace.query(versions) == before
    # the versions staging still observes (the current ones) are filled; closed ones keep NULL
    filled = "SELECT is_current, COUNT(*) FILTER (WHERE email IS NOT NULL), COUNT(*) FROM dwh.dim_member GROUP BY 1"
    assert sorted(workspace.query(filled)) == [(False, 0, 1), (True, 3, 3)]
    _deliver(workspace, tmp_path, 2)  # member 1 changes tier: the version it opens has an email
    _run(workspace, 2)
    latest = workspace.query("SELECT tier, email FROM dwh.dim_member WHERE member_id = 1 AND is_current")
    assert latest == [("silver", "m1@example.com")], latest
    assert len(workspace.query(versions)) == len(before) + 1


def _one_day(tmp_path, members, bought) -> Workspace:
    """tiny_shop with one day loaded: members (id → tier, city) and purchases (id, member, amount)."""
    from tests.integration.run.test_incremental import write_purchases

    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    landing = shop_delivery(tmp_path / "day01", members, [])
    write_purchases(landing, [(p, m, amount, "2024-01-01 12:00:00") for p, m, amount in bought])
    assert not workspace.ingest(landing, "2024-02-01").failed
    _run(workspace, 0)
    return workspace


def _retype(workspace: Workspace, source: str, column: str, declared: str) -> None:
    spec = workspace.pipeline / "sources" / f"{source}.yml"
    lines = spec.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if f"name: {column}," in line)
    lines[at] = "  - {" + f"name: {column}, type: {declared!r}" + ", nullable: false}"
    spec.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "source,column,declared,held",
    [
        ("purchases", "amount", "decimal(10,1)", "Decimal('12.34'), a value decimal(10,1) cannot hold unchanged"),
        ("purchases", "member_id", "integer", "5000000000, a value integer cannot hold unchanged"),
        ("members", "city", "string(4)", "'Lisbon', more than the 4 characters of string(4)"),
    ],
)
def test_a_reload_under_a_narrowed_type_changes_no_value(tmp_path, source, column, declared, held):
    """Adversarial round 22: after a narrowing the run refused the load and named `--full`, and the
    reload rounded 999.99 into 1000.0 (or kept 'garden' in a string(4) column) and said ok. Each
    lake file is now held against the spec before it loads: a value the new type cannot hold
    unchanged refuses the load, naming file, column, row and value, and the table stays."""
    from tests.support.workspace import table_digests

    workspace = _one_day(
        tmp_path,
        {1: ("gold", "Oslo"), 5_000_000_000: ("gold", "Lisbon")},
        [("p1", 1, "1.00"), ("p2", 5_000_000_000, "12.34")],
    )
    before = table_digests(workspace.warehouse)
    _retype(workspace, source, column, declared)
    result = workspace.run(datetime.datetime(2024, 2, 1), full=True)
    load = next(o for o in result.outcomes if o.step == f"load:{source}")
    assert load.status == "failed" and f"holds {held} in column {column} (row 2)" in load.error, load
    assert "batch_date=2024-02-01" in load.error and "nothing loads" in load.error
    assert table_digests(workspace.warehouse)[f"staging.{source}"] == before[f"staging.{source}"]


def test_a_reload_under_a_narrowed_type_whose_values_fit_loads_them(tmp_path):
    workspace = _one_day(tmp_path, {1: ("gold", "Oslo")}, [("p1", 1, "1.50")])
    _retype(workspace, "purchases", "amount", "decimal(10,1)")
    _retype(workspace, "members", "city", "string(4)")
    assert workspace.run(datetime.datetime(2024, 2, 1), full=True).ok
    assert workspace.query("SELECT amount FROM staging.purchases") == [(decimal.Decimal("1.5"),)]


def test_a_not_null_column_a_source_gains_is_never_left_null(tmp_path):
    """Adversarial round 22: a column added `nullable: false` was added in place, NULL in every
    row staged before, and a load from scratch failed on a raw constraint error. The load is
    refused naming the column and what to do; the reload names the lake file without it."""
    workspace = _one_day(tmp_path, {1: ("gold", "Oslo")}, [("p1", 1, "1.00")])
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(
        spec.read_text().replace(
            "  - {name: city, type: string}",
            "  - {name: city, type: string}\n  - {name: country, type: string, nullable: false}",
        )
    )
    landing = tmp_path / "day02"
    landing.mkdir()
    (landing / "members_2024-01-02.csv").write_text(
        "member_id;email;tier;city;country;updated_at\n2;b@x;gold;Rome;IT;2024-01-02 10:00:00\n"
    )
    assert not workspace.ingest(landing, "2024-02-02").failed
    load = _outcomes_of(workspace.run(datetime.datetime(2024, 2, 2)))["load:members"]
    assert load.status == "failed" and "lacks column(s) country, which the source spec declares nullable: false" in (
        load.error
    ), load
    reload = _outcomes_of(workspace.run(datetime.datetime(2024, 2, 2), full=True))["load:members"]
    assert reload.status == "failed" and "batch_date=2024-02-01" in reload.error, reload
    assert "has no column country, which the spec declares nullable: false" in reload.error
    spec.write_text(
        spec.read_text().replace("name: country, type: string, nullable: false", "name: country, type: string")
    )
    assert _outcomes_of(workspace.run(datetime.datetime(2024, 2, 2)))["load:members"].status == "ok"
    assert workspace.query("SELECT member_id, country FROM staging.members ORDER BY 1") == [(1, None), (2, "IT")]


def _outcomes_of(result) -> dict:
    return {o.step: o for o in result.outcomes}


def test_a_models_string_n_column_holds_at_most_n_characters_on_every_target(tmp_path):
    """Adversarial round 22: DuckDB ignores a VARCHAR's length and Redshift counts bytes, so a
    model's string(3) column took 'Lisbon' (PostgreSQL alone refused it). A built-in check now
    refuses the build on every target."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    (workspace.pipeline / "models" / "city_codes.yml").write_text(
        "version: 1\nkind: model\nname: city_codes\nlayer: mart\nmaterialization: table\ndepends_on: [members]\n"
        "keys: {business: [member_id]}\ncolumns:\n  - {name: member_id, type: bigint, nullable: false}\n"
        "  - {name: code, type: string(3)}\nsql: SELECT m.member_id, m.city AS code FROM members m\n"
    )
    _deliver(workspace, tmp_path, 0)
    result = workspace.run(datetime.datetime(2024, 2, 1))
    build = _outcomes_of(result)["build:city_codes"]
    assert build.status == "failed" and "string_length(code): 2 failing row(s)" in build.error, build
    assert workspace.query("SELECT COUNT(*) FROM mart.city_codes") == [(0,)]


def test_a_narrowed_string_limit_is_seen_where_the_warehouse_keeps_no_length(tmp_path):
    """Adversarial round 22: DuckDB keeps no VARCHAR length, so `string` → `string(4)` was no
    drift there: the rows staged before kept 'Lisbon'. The limit a source's rows were loaded
    under is recorded: a narrower one refuses the load until a reload checks every value."""
    workspace = _one_day(tmp_path, {1: ("gold", "Lisbon")}, [("p1", 1, "1.00")])
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text().replace("{name: city, type: string}", "{name: city, type: string(4)}"))
    load = _outcomes_of(workspace.run(datetime.datetime(2024, 2, 1)))["load:members"]
    assert load.status == "failed" and "city were loaded under a longer string limit" in load.error, load
    reload = _outcomes_of(workspace.run(datetime.datetime(2024, 2, 1), full=True))["load:members"]
    assert reload.status == "failed" and "holds 'Lisbon', more than the 4 characters of string(4)" in reload.error
    spec.write_text(spec.read_text().replace("type: string(4)}", "type: string(6)}"))
    assert _outcomes_of(workspace.run(datetime.datetime(2024, 2, 1), full=True))["load:members"].status == "ok"
    again = _outcomes_of(workspace.run(datetime.datetime(2024, 2, 1)))["load:members"]
    assert again.status == "nothing new", again
