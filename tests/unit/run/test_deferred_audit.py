"""A relationships check's child left out of the run in which its parent lost the referenced
rows is audited on its next run; `--full-checks` audits every model, up to date or not
(adversarial round 34, relationship_orphan_after_excluded_run: the orphan stayed published and
every later run, `--full-checks` too, exited 0)."""

from __future__ import annotations

import datetime

import duckdb
import pytest

from framework.compile.selection import SelectionRequest
from framework.ingest import ingest_pipeline
from framework.lake.local import LocalLake
from framework.run.runner import RunOptions, run_pipeline
from framework.settings import resolve_target
from framework.spec.project import load_project

PIPELINE = """\
version: 1
kind: pipeline
name: shop
owner: qa
schedule: "@daily"
start_date: "2024-01-01"
default_target: local
schemas: {staging: staging, dimension: dwh, fact: dwh, mart: mart, internal: elt}
targets:
  local: {type: local, database: warehouse/shop.duckdb, lake: lake, landing: landing}
"""
SPECS = {
    "sources/orders.yml": """\
version: 1
kind: source
name: orders
landing: {path: "orders_*.csv", format: csv}
columns:
  - {name: order_id, type: string, nullable: false}
  - {name: status, type: string}
primary_key: [order_id]
load_mode: upsert
""",
    "sources/events.yml": """\
version: 1
kind: source
name: events
landing: {path: "events_*.csv", format: csv}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: order_id, type: string}
primary_key: [event_id]
load_mode: append
""",
    "models/fact_orders.yml": """\
version: 1
kind: model
name: fact_orders
layer: fact
materialization: incremental
incremental: {strategy: merge}
depends_on: [orders]
sql: SELECT o.order_id, o.status FROM orders o WHERE o.status <> 'deleted'
keys: {business: [order_id]}
columns:
  - {name: order_id, type: string, nullable: false}
  - {name: status, type: string}
""",
    # reads only its own source: fact_orders is a relationships parent, not an input
    "models/fact_events.yml": """\
version: 1
kind: model
name: fact_events
layer: fact
materialization: incremental
incremental: {strategy: merge}
depends_on: [events]
sql: SELECT e.event_id, e.order_id FROM events e
keys: {business: [event_id]}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: order_id, type: string, tests: [{type: relationships, to: fact_orders.order_id}]}
""",
}


class Shop:
    def __init__(self, folder):
        self.root = folder / "shop"
        for name, text in {"pipeline.yml": PIPELINE, **SPECS}.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)
        self.folder = folder
        self.settings = resolve_target(str(self.root)).with_paths(
            database=str(folder / "w.duckdb"), lake=str(folder / "lake")
        )

    def deliver(self, day: str, orders: str, events: str = "") -> None:
        landing = self.folder / "landing" / day
        landing.mkdir(parents=True)
        (landing / f"orders_{day}.csv").write_text("order_id,status\n" + orders)
        if events:
            (landing / f"events_{day}.csv").write_text("event_id,order_id\n" + events)
        project, _ = load_project(str(self.root))
        assert not ingest_pipeline(project, str(landing), LocalLake(str(self.folder / "lake")), day).failed

    def run(self, day: str, exclude=(), full_checks=False):
        selection = SelectionRequest.parse([], list(exclude)) if exclude else None
        options = RunOptions(datetime.datetime.fromisoformat(day), selection=selection, full_checks=full_checks)
        result = run_pipeline(str(self.root), self.settings, options)
        return result, {o.step: o for o in result.outcomes}

    def orphans(self) -> int:
        with duckdb.connect(str(self.folder / "w.duckdb"), read_only=True) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM dwh.fact_events e WHERE NOT EXISTS "
                "(SELECT 1 FROM dwh.fact_orders o WHERE o.order_id = e.order_id)"
            ).fetchone()[0]


@pytest.fixture
def shop(tmp_path):
    shop = Shop(tmp_path)
    shop.deliver("2024-01-01", "o1,new\no2,new\n", "e1,o1\ne2,o2\n")
    assert shop.run("2024-01-01")[0].ok
    return shop


def test_a_child_left_out_while_its_parent_lost_rows_is_audited_whole_on_its_next_run(shop):
    shop.deliver("2024-01-02", "o1,deleted\n")
    result, steps = shop.run("2024-01-02", exclude=["fact_events"])
    assert result.ok and "check:fact_events" not in steps and shop.orphans() == 1
    result, steps = shop.run("2024-01-02")  # nothing new: the child is rebuilt whole and refused
    assert not result.ok
    built = steps["build:fact_events"]
    assert built.status == "failed" and "relationships(order_id -> fact_orders.order_id): 1" in built.error, built
    assert not shop.run("2024-01-02")[0].ok  # and on every run until the data passes
    shop.deliver("2024-01-03", "o1,new\n")
    result, steps = shop.run("2024-01-03")
    assert result.ok, [(o.step, o.status, o.error) for o in result.outcomes]
    assert steps["build:fact_events"].detail.startswith("whole"), steps["build:fact_events"]
    assert shop.run("2024-01-03")[1]["build:fact_events"].status == "up to date"


def test_a_child_left_out_of_a_run_whose_parents_did_not_change_is_not_rebuilt_whole(shop):
    shop.deliver("2024-01-02", "", "e3,o2\n")  # only the child's own input: fact_orders stays
    assert shop.run("2024-01-02", exclude=["fact_events"])[0].ok
    built = shop.run("2024-01-02")[1]["build:fact_events"]
    assert built.status == "ok" and built.detail.startswith("scoped"), built


def test_full_checks_audits_the_published_rows_of_an_up_to_date_model(shop):
    with duckdb.connect(str(shop.folder / "w.duckdb")) as conn:  # a row lost outside elt
        conn.execute("DELETE FROM dwh.fact_orders WHERE order_id = 'o2'")
    result, steps = shop.run("2024-01-01")
    assert result.ok and "check:fact_events" not in steps  # the last verdicts stand
    result, steps = shop.run("2024-01-01", full_checks=True)
    assert not result.ok and steps["build:fact_events"].status == "up to date"
    check = steps["check:fact_events"]
    assert check.status == "failed" and "1 failing row(s)" in check.error and "of the published rows" in check.detail
    assert steps["check:fact_orders"].status == "ok"


def test_a_parent_build_that_cannot_tell_what_it_lost_rebuilds_a_left_out_child_whole_once(shop):
    """fact_orders records no changed keys (nothing reads it): its build may have lost anything, so
    the child left out is rebuilt whole and audited on its next run, then trusted again."""
    shop.deliver("2024-01-02", "o3,new\n")
    assert shop.run("2024-01-02", exclude=["fact_events"])[0].ok
    built = shop.run("2024-01-02")[1]["build:fact_events"]
    assert built.status == "ok", built
    assert built.detail == "whole: a parent its relationships checks read may have lost rows in a run that left it out"
    assert shop.run("2024-01-02")[1]["build:fact_events"].status == "up to date"


MART = """\
version: 1
kind: model
name: mart_events
layer: mart
materialization: incremental
incremental: {strategy: merge}
depends_on: [fact_events]
sql: SELECT event_id, order_id FROM fact_events
keys: {business: [event_id]}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: order_id, type: string}
"""


def test_the_whole_rebuild_of_a_left_out_child_reaches_its_readers(shop):
    """Adversarial round 37 (rel_whole_rebuild_drops_downstream): the `unaudited` marker was the
    model's latest state row, so the end of the run pruned its last build behind it; its whole
    rebuild then started its counter again at 1, which its reader had consumed already: the
    reader skipped the rows, for good."""
    (shop.root / "models" / "mart_events.yml").write_text(MART)
    assert shop.run("2024-01-01")[0].ok  # the mart built from the first day
    shop.deliver("2024-01-02", "o1,deleted\n", "e3,o2\ne4,o2\n")
    assert shop.run("2024-01-02", exclude=["fact_events"])[0].ok  # events loaded, their models left out
    result, steps = shop.run("2024-01-02")
    assert steps["build:fact_events"].status == "failed"  # e1 -> o1 dangles: refused, nothing published
    shop.deliver("2024-01-03", "o1,new\no5,new\n", "e5,o5\n")  # o1 is back: the data passes
    result, steps = shop.run("2024-01-03")
    assert result.ok, [(o.step, o.status, o.error) for o in result.outcomes]
    with duckdb.connect(str(shop.folder / "w.duckdb"), read_only=True) as conn:
        fact = conn.execute("SELECT event_id FROM dwh.fact_events ORDER BY 1").fetchall()
        mart = conn.execute("SELECT event_id FROM mart.mart_events ORDER BY 1").fetchall()
    assert fact == mart == [("e1",), ("e2",), ("e3",), ("e4",), ("e5",)]
