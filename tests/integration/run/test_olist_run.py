"""The Olist pipeline end to end on the bundled real sample: ingest → staging → star schema → checks."""

from __future__ import annotations

import csv
import gzip
import io
from decimal import Decimal

import pytest

from tests.conftest import OLIST
from tests.support.workspace import BUILD_COLUMNS, Workspace, table_digests

SAMPLE = OLIST / "sample"


def raw_rows(name: str) -> list[dict]:
    text = gzip.decompress((SAMPLE / name).read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def olist_run(tmp_path_factory):
    workspace = Workspace(tmp_path_factory.mktemp("olist"), OLIST)
    report = workspace.ingest(SAMPLE)
    assert not report.failed and all(not f.rejects for f in report.files)
    result = workspace.run()
    return workspace, result


def test_every_step_succeeds_and_only_documented_quirks_warn(olist_run):
    workspace, result = olist_run
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    warned = sorted(c.name for o in result.outcomes for c in o.checks)
    assert all(c.severity == "warn" for o in result.outcomes for c in o.checks)
    readme = (OLIST / "README.md").read_text()
    for name in warned:  # each warning is a real quirk the pipeline's README documents
        assert name.split("(")[1].rstrip(")").split(",")[0].split(" ")[0] in readme, name


def test_one_current_customer_version_per_person(olist_run):
    workspace, _ = olist_run
    people = {r["customer_unique_id"] for r in raw_rows("olist_customers_dataset.csv.gz")}
    rows = workspace.query("SELECT customer_unique_id, COUNT(*) FROM dwh.dim_customer WHERE is_current GROUP BY 1")
    assert len(rows) == len(people) and all(n == 1 for _, n in rows)
    assert {r[0] for r in rows} == people


def test_order_items_match_the_raw_csv_to_the_cent(olist_run):
    workspace, _ = olist_run
    items = raw_rows("olist_order_items_dataset.csv.gz")
    price = sum(Decimal(r["price"]) for r in items)
    freight = sum(Decimal(r["freight_value"]) for r in items)
    ((count, got_price, got_freight, got_total),) = workspace.query(
        "SELECT COUNT(*), SUM(price), SUM(freight_value), SUM(item_total) FROM dwh.fact_order_items"
    )
    assert count == len(items)
    assert (got_price, got_freight, got_total) == (price, freight, price + freight)
    keys = workspace.query("SELECT COUNT(DISTINCT (order_id, order_item_id)) FROM dwh.fact_order_items")
    assert keys == [(len(items),)]


def test_every_order_appears_once_in_fact_orders(olist_run):
    workspace, _ = olist_run
    orders = {r["order_id"] for r in raw_rows("olist_orders_dataset.csv.gz")}
    rows = workspace.query("SELECT order_id, COUNT(*) FROM dwh.fact_orders GROUP BY 1")
    assert {r[0] for r in rows} == orders and all(n == 1 for _, n in rows)


def test_fact_rows_point_at_the_customer_version_valid_at_purchase(olist_run):
    workspace, _ = olist_run
    wrong = workspace.query("""
        SELECT COUNT(*) FROM dwh.fact_order_items f JOIN dwh.dim_customer d ON d.customer_sk = f.customer_sk
        JOIN staging.orders o ON o.order_id = f.order_id
        WHERE NOT (o.order_purchase_timestamp >= d.valid_from AND o.order_purchase_timestamp < d.valid_to)""")
    assert wrong == [(0,)]


def test_a_second_run_loads_nothing_and_changes_nothing(olist_run):
    workspace, _ = olist_run
    before = table_digests(workspace.warehouse, exclude_schemas=())
    ledger = workspace.query("SELECT COUNT(*) FROM elt.file_ledger")
    result = workspace.run()
    assert result.ok
    assert {o.status for o in result.outcomes} == {"nothing new", "up to date"}
    after = table_digests(workspace.warehouse, exclude_schemas=())
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"elt.run_log"}  # only the run's own log grows
    assert workspace.query("SELECT COUNT(*) FROM elt.file_ledger") == ledger


def test_a_forced_rebuild_of_the_same_batch_is_byte_for_byte_identical(olist_run):
    workspace, _ = olist_run
    counters = (*BUILD_COLUMNS, "_load_seq")  # a --full run reloads every staging table from the lake
    before = table_digests(workspace.warehouse, without=counters)
    result = workspace.run(full=True)
    assert result.ok and any(o.status == "ok" and o.step.startswith("build:") for o in result.outcomes)
    assert all(o.detail.startswith("reloaded from the lake") for o in result.outcomes if o.step.startswith("load:"))
    assert table_digests(workspace.warehouse, without=counters) == before
    # but for the build that wrote them: every row of every model table, this one
    latest = dict(workspace.query("SELECT model, MAX(build_seq) FROM elt.model_builds GROUP BY model"))
    for model in ("fact_orders", "dim_customer", "dim_date"):  # merge, SCD2, table
        assert latest[model] > 1, latest
        assert workspace.query(f"SELECT DISTINCT _build_seq FROM dwh.{model}") == [(latest[model],)], model


def test_run_log_records_every_step(olist_run):
    workspace, result = olist_run
    logged = workspace.query(f"SELECT step, status FROM elt.run_log WHERE run_id = '{result.run_id}' ORDER BY step")
    assert {s for s, _ in logged} == {o.step for o in result.outcomes}
    assert ("build:dim_customer", "ok") in logged
