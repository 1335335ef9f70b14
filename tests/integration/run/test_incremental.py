"""Incremental that is incremental (issue 14): a batch rebuilds only the keys it touches, and
any way of cutting history into batches ends in the table one full load builds."""

from __future__ import annotations

import csv
import datetime
import random

import duckdb
import pytest

from framework.run.runner import RunOptions, run_pipeline
from tests.conftest import OLIST
from tests.integration.run.test_replay import load_replay
from tests.support.workspace import Workspace, model_digests, staging_digests

ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "order_status",
    "order_purchase_timestamp",
    "order_approved_at",
    "order_delivered_carrier_date",
    "order_delivered_customer_date",
    "order_estimated_delivery_date",
)


@pytest.fixture(scope="module")
def full_load(tmp_path_factory):
    workspace = Workspace(tmp_path_factory.mktemp("full"), OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    return workspace


def deliver(folder, orders: list[dict]) -> None:
    folder.mkdir()
    with open(folder / "olist_orders_dataset.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORDER_COLUMNS)
        for order in orders:
            writer.writerow(["" if order[c] is None else str(order[c]) for c in ORDER_COLUMNS])


def a_shipped_order(workspace: Workspace) -> dict:
    (order,) = workspace.query(
        f"SELECT {', '.join(ORDER_COLUMNS)} FROM staging.orders WHERE order_status = 'shipped' ORDER BY order_id LIMIT 1"
    )
    return dict(zip(ORDER_COLUMNS, order))


def shop_delivery(folder, members: dict[int, tuple[str, str]], bought: list[tuple[str, int, str]]):
    """A landing folder for the tiny_shop fixture: members (id → tier, city; changed on the
    folder's day) and purchases (id, member, purchase date)."""
    day = folder.name[-2:]
    folder.mkdir(parents=True)
    if members:
        lines = ["member_id;email;tier;city;updated_at"]
        lines += [f"{i};m{i}@example.com;{tier};{city};2024-01-{day} 10:00:00" for i, (tier, city) in members.items()]
        (folder / f"members_2024-01-{day}.csv").write_text("\n".join(lines) + "\n")
    write_purchases(folder, [(pid, member, "1.00", f"{at} 12:00:00") for pid, member, at in bought])
    return folder


def write_purchases(folder, bought: list[tuple[str, int, str, str]]) -> None:
    """`<folder>/purchases/p.parquet`: (id, member, amount, purchased_at), as text like a landing file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "purchases").mkdir(parents=True, exist_ok=True)
    rows = [
        {"purchase_id": pid, "member_id": member, "amount": amount, "purchased_at": at}
        for pid, member, amount, at in bought
    ]
    schema = pa.schema(
        [
            ("purchase_id", pa.string()),
            ("member_id", pa.int64()),
            ("amount", pa.string()),
            ("purchased_at", pa.string()),
        ]
    )
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / "purchases" / "p.parquet")


def upsert_shops(tmp_path, models: dict[str, str]) -> tuple[Workspace, Workspace]:
    """Two tiny_shop workspaces (one for batches, one loaded from scratch) whose purchases are
    upserted, with these models added (name → YAML)."""
    from tests.conftest import FIXTURES

    shops = (Workspace(tmp_path / "b", FIXTURES / "tiny_shop"), Workspace(tmp_path / "s", FIXTURES / "tiny_shop"))
    for workspace in shops:
        source = workspace.pipeline / "sources" / "purchases.yml"
        source.write_text(source.read_text().replace("load_mode: append", "load_mode: upsert"))
        for name, text in models.items():
            (workspace.pipeline / "models" / f"{name}.yml").write_text(text)
    return shops


def test_a_batch_of_one_changed_order_rebuilds_only_the_keys_it_touches(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    first = workspace.run()
    assert first.ok
    delivered = a_shipped_order(workspace)
    before = dict(workspace.query("SELECT order_id, fact_orders FROM dwh.fact_orders AS fact_orders"))
    delivered["order_status"] = "delivered"
    delivered["order_delivered_customer_date"] = delivered["order_delivered_carrier_date"] + datetime.timedelta(days=3)
    landing = tmp_path / "delta"
    deliver(landing, [delivered])
    assert not workspace.ingest(landing, "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    builds = {o.step: o for o in result.outcomes if o.step.startswith("build:")}
    fact = builds["build:fact_orders"]
    assert fact.keys_affected == 1, fact
    assert fact.detail == "scoped to 1 key(s) changed by orders, dim_customer; rows of 1 of them changed", fact
    assert fact.rows_updated == 1 and not fact.rows_inserted
    assert builds["build:dim_customer"].keys_affected == 1  # the person behind the order
    # recomputed to the same rows (a status changes no observation): no change for its readers
    assert builds["build:dim_customer"].detail.endswith("; rows of 0 of them changed"), builds["build:dim_customer"]
    assert builds["build:fact_order_items"].keys_affected == 1  # the order's items, through its order_id
    after = dict(workspace.query("SELECT order_id, fact_orders FROM dwh.fact_orders AS fact_orders"))
    assert [k for k in before if before[k] != after[k]] == [delivered["order_id"]]  # every other row untouched
    assert builds["build:mart_customer_profile"].keys_affected == 1  # the person, through the fact and dimension
    # every model row carries the build that last wrote it (its model's build_seq in model_builds)
    latest = dict(workspace.query("SELECT model, MAX(build_seq) FROM elt.model_builds GROUP BY model"))
    assert latest["fact_orders"] == latest["dim_customer"] == latest["dim_date"] == 2
    marks = "SELECT _build_seq, COUNT(*) FROM dwh.fact_orders GROUP BY 1 ORDER BY 1"
    assert workspace.query(marks) == [(1, len(before) - 1), (2, 1)]  # the other rows keep the first build's
    assert workspace.query("SELECT order_id FROM dwh.fact_orders WHERE _build_seq = 2") == [(delivered["order_id"],)]
    # an SCD2 dimension: the versions of the person behind the order, and no other
    ((person,),) = workspace.query(
        f"SELECT customer_unique_id FROM staging.customers WHERE customer_id = '{delivered['customer_id']}'"
    )
    by_person = f"SELECT DISTINCT customer_unique_id = '{person}', _build_seq FROM dwh.dim_customer ORDER BY ALL"
    assert workspace.query(by_person) == [(False, 1), (True, 2)]
    # a table model is rebuilt whole: every row; but it records only what changed (nothing), so
    # the category mart reading it stays scoped: to the order's month, every other month untouched
    assert workspace.query("SELECT DISTINCT _build_seq FROM dwh.dim_date") == [(2,)]
    assert builds["build:dim_date"].detail == "rows of 0 key(s) changed", builds["build:dim_date"]
    monthly = builds["build:mart_category_monthly"]
    assert monthly.keys_affected == 1 and monthly.detail.startswith("scoped to 1 key(s)"), monthly
    month = delivered["order_purchase_timestamp"].strftime("%Y-%m")
    rewritten = "SELECT DISTINCT year_month FROM mart.mart_category_monthly WHERE _build_seq = 2"
    assert workspace.query(rewritten) == [(month,)]
    # any row leads to the run that wrote it, old markers too (run_log keeps every step's seq)
    writer = """SELECT f._build_seq, r.run_id, r.keys_affected FROM dwh.fact_orders f
        JOIN elt.run_log r ON r.step = 'build:fact_orders' AND r.seq = f._build_seq
        GROUP BY ALL ORDER BY 1"""
    assert workspace.query(writer) == [(1, first.run_id, None), (2, result.run_id, 1)]
    staged = "SELECT DISTINCT r.run_id FROM staging.orders o JOIN elt.run_log r ON r.step = 'load:orders' AND r.seq = o._load_seq"
    assert sorted(workspace.query(staged)) == sorted([(first.run_id,), (result.run_id,)])
    # each staging row carries the load that last wrote it: the changed order the second one
    loads = workspace.query("SELECT _load_seq, COUNT(*) FROM staging.orders GROUP BY _load_seq ORDER BY _load_seq")
    assert [seq for seq, _ in loads] == [1, 2] and loads[1][1] == 1, loads
    # the rewritten keys are kept only until every model reading them has consumed them
    assert workspace.query("SELECT COUNT(*) FROM elt.model_changes") == [(0,)]
    # its checks audited the rewritten key's rows (the sample has hundreds of orders without a
    # review: a whole-table warn check would count them all)
    audited = next(o for o in result.outcomes if o.step == "check:fact_orders")
    assert all(c.failures <= 1 for c in audited.checks), audited.checks
    # --full-checks: a scoped build that audits the whole table
    delivered["order_delivered_customer_date"] += datetime.timedelta(days=1)  # the same order, changed again
    again = tmp_path / "delta2"
    deliver(again, [delivered])
    assert not workspace.ingest(again, "2018-10-19").failed
    options = RunOptions(datetime.datetime(2018, 10, 19), full_checks=True)
    whole_audit = run_pipeline(str(workspace.pipeline), workspace.settings(), options)
    assert next(o for o in whole_audit.outcomes if o.step == "build:fact_orders").keys_affected == 1
    audited = next(o for o in whole_audit.outcomes if o.step == "check:fact_orders")
    assert any(c.failures > 1 for c in audited.checks), audited.checks
    # a warn check the rewritten row fails: counted and sampled on that row alone (the sample
    # has other orders delivered before their carrier got them: a whole-table sample shows those)
    carrier, purchase = delivered["order_delivered_carrier_date"], delivered["order_purchase_timestamp"]
    between = carrier - (carrier - purchase) / 2  # after purchase, before carrier
    delivered["order_delivered_customer_date"] = between.replace(microsecond=0)
    early = tmp_path / "delta3"
    deliver(early, [delivered])
    assert not workspace.ingest(early, "2018-10-20").failed
    warned = workspace.run(datetime.datetime(2018, 10, 20))
    (check,) = [c for o in warned.outcomes if o.step == "check:fact_orders" for c in o.checks]
    assert (check.name, check.failures) == ("expression(customer_after_carrier)", 1), check
    order_id = check.columns.index("order_id")
    assert [row[order_id] for row in check.sample] == [delivered["order_id"]], check.sample
    everywhere = "SELECT COUNT(*) FROM dwh.fact_orders WHERE delivered_customer_ts < delivered_carrier_ts"
    assert workspace.query(everywhere)[0][0] > 1  # what a sample of the whole table would have shown
    # and the scoped result is the whole rebuild's
    scoped = model_digests(workspace.warehouse)
    assert workspace.run(datetime.datetime(2018, 10, 20), full=True).ok
    assert model_digests(workspace.warehouse) == scoped


def test_a_staging_table_made_before_the_load_counter_gets_it_from_the_ledger(tmp_path):
    """A warehouse an older version built has staging without `_load_seq`: the next run adds
    it, each row given its batch's latest load — so a later batch still scopes to its keys."""
    import duckdb

    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    with duckdb.connect(str(workspace.warehouse)) as conn:  # as an older version left it
        conn.execute("ALTER TABLE staging.orders DROP COLUMN _load_seq")
    assert workspace.run().ok
    assert workspace.query("SELECT _load_seq, COUNT(*) FROM staging.orders GROUP BY _load_seq") == [(1, 8135)]
    changed = a_shipped_order(workspace)
    changed["order_status"] = "delivered"
    deliver(tmp_path / "delta", [changed])
    assert not workspace.ingest(tmp_path / "delta", "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok
    fact = next(o for o in result.outcomes if o.step == "build:fact_orders")
    assert fact.keys_affected == 1, fact


def test_a_model_table_made_before_the_build_counter_gets_it_from_model_builds(tmp_path):
    """A warehouse an older version built has model tables without `_build_seq`: the next run
    adds it, every row given its model's latest recorded build — without rebuilding the model —
    and a later batch still scopes to its keys and marks only their rows."""
    import duckdb

    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    tables = ("dwh.fact_orders", "dwh.dim_customer", "mart.mart_daily_sales")  # merge, SCD2, table
    with duckdb.connect(str(workspace.warehouse)) as conn:  # as an older version left them
        for table in tables:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN _build_seq")
    again = workspace.run()
    assert again.ok and {o.status for o in again.outcomes if o.step.startswith("build:")} == {"up to date"}
    for table in tables:
        assert workspace.query(f"SELECT DISTINCT _build_seq FROM {table}") == [(1,)], table
    changed = a_shipped_order(workspace)
    changed["order_status"] = "delivered"
    deliver(tmp_path / "delta", [changed])
    assert not workspace.ingest(tmp_path / "delta", "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    fact = next(o for o in result.outcomes if o.step == "build:fact_orders")
    assert fact.keys_affected == 1, fact
    assert workspace.query("SELECT order_id FROM dwh.fact_orders WHERE _build_seq = 2") == [(changed["order_id"],)]
    assert workspace.query("SELECT DISTINCT _build_seq FROM mart.mart_daily_sales") == [(2,)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_history_cut_into_random_batches_ends_equal_to_one_full_load(full_load, tmp_path, seed):
    """Months delivered in order, runs at random points (so a run may load a backlog of several
    batches): every staging table and model equals the full load's."""
    batches_dir = tmp_path / "batches"
    batches = load_replay().replay(str(OLIST / "sample"), str(batches_dir), "month")
    rng = random.Random(seed)
    runs_after = set(rng.sample(range(len(batches) - 1), k=rng.randint(3, 9))) | {len(batches) - 1}
    workspace = Workspace(tmp_path, OLIST)
    scoped = 0
    for index, batch in enumerate(batches):
        assert not workspace.ingest(batches_dir / batch, batch).failed
        if index in runs_after:
            result = workspace.run(datetime.datetime.fromisoformat(batch))
            assert result.ok, (batch, [(o.step, o.error) for o in result.outcomes if o.error])
            scoped += sum(1 for o in result.outcomes if o.detail.startswith("scoped"))
    assert scoped > 0  # the later runs were incremental
    assert model_digests(workspace.warehouse) == model_digests(full_load.warehouse)
    assert staging_digests(workspace.warehouse) == staging_digests(full_load.warehouse)


BUYERS_YML = """version: 1
kind: model
name: buyers
layer: mart
materialization: incremental
incremental:
  strategy: merge
  keys_from: {purchases: member_id}
depends_on: [members, purchases]
keys: {business: [member_id]}
columns:
  - {name: member_id, type: bigint, nullable: false, tests: [unique, not_null]}
  - {name: email, type: string}
sql: |
  SELECT m.member_id, m.email
  FROM members m
  WHERE EXISTS (SELECT 1 FROM purchases p WHERE CAST(p.member_id AS BIGINT) = m.member_id)
"""


def test_an_input_lineage_cannot_trace_is_scoped_by_its_declared_key_column(tmp_path):
    """A member's purchases decide whether it is a row only through a correlated EXISTS matching
    on an expression (a CAST), which lineage does not follow: without `incremental.keys_from` lint
    says so (W503) and every batch rebuilds the whole table; with it, a batch of purchases
    rebuilds exactly the members they name."""
    from tests.conftest import FIXTURES, lint

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    (workspace.pipeline / "models" / "buyers.yml").write_text(BUYERS_YML)
    assert lint(workspace.pipeline) == []
    (workspace.pipeline / "models" / "buyers.yml").write_text(
        BUYERS_YML.replace("  keys_from: {purchases: member_id}\n", "")
    )
    (warning,) = lint(workspace.pipeline)
    assert warning.code == "W503" and "no key path from 'purchases'" in warning.message and "keys_from" in warning.hint
    (workspace.pipeline / "models" / "buyers.yml").write_text(BUYERS_YML)

    def deliver_day(day: int, members: dict[int, tuple[str, str]], bought: list[tuple[str, int]]):
        folder = shop_delivery(tmp_path / f"day0{day}", members, [(p, m, f"2024-01-0{day}") for p, m in bought])
        assert not workspace.ingest(folder, f"2024-01-0{day}").failed
        result = workspace.run(datetime.datetime(2024, 1, day))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
        return next(o for o in result.outcomes if o.step == "build:buyers")

    deliver_day(1, {i: ("gold", "Lisbon") for i in range(1, 6)}, [("p1", 1), ("p2", 2)])
    assert workspace.query("SELECT member_id FROM mart.buyers ORDER BY 1") == [(1,), (2,)]
    build = deliver_day(2, {9: ("gold", "Porto")}, [("p3", 3), ("p4", 1)])
    # the purchases' members (1, 3, by the declared column) and the changed member (9, by lineage)
    assert build.keys_affected == 3 and "scoped to 3 key(s) changed by" in build.detail, build
    # member 3 became a buyer through its purchase alone: the declared path found it
    assert workspace.query("SELECT member_id FROM mart.buyers ORDER BY 1") == [(1,), (2,), (3,)]
    scoped = model_digests(workspace.warehouse)
    assert workspace.run(datetime.datetime(2024, 1, 2), full=True).ok
    assert model_digests(workspace.warehouse) == scoped  # the same as recomputing everything


def an_order_moved_to_another_person(workspace: Workspace) -> tuple[dict, str, str]:
    """A delivered order of a person with other orders, corrected to a customer of another
    person: (the corrected row, the person it leaves, the person it joins)."""
    person_of = "SELECT customer_unique_id FROM staging.customers WHERE customer_id = ?"
    ((order_id,),) = workspace.query(
        """SELECT o.order_id FROM staging.orders o JOIN staging.customers c USING (customer_id)
        WHERE o.order_status = 'delivered' AND c.customer_unique_id IN (SELECT c2.customer_unique_id
          FROM staging.orders o2 JOIN staging.customers c2 USING (customer_id) GROUP BY 1 HAVING COUNT(*) > 1)
        ORDER BY 1 LIMIT 1"""
    )
    (row,) = workspace.query(f"SELECT {', '.join(ORDER_COLUMNS)} FROM staging.orders WHERE order_id = ?", [order_id])
    moved = dict(zip(ORDER_COLUMNS, row))
    ((left,),) = workspace.query(person_of, [moved["customer_id"]])
    ((joined, joined_person),) = workspace.query(
        "SELECT customer_id, customer_unique_id FROM staging.customers WHERE customer_unique_id <> ? ORDER BY 1 LIMIT 1",
        [left],
    )
    moved["customer_id"] = joined
    return moved, left, joined_person


def test_a_row_moving_to_another_parent_rebuilds_the_parent_it_left(tmp_path):
    """A correction moves an order to another person: the person it left is rebuilt as well as
    the one it joined. The changed row's new customer leads only to the second; the first is
    found through the customer the replaced row held (kept in elt.changed_values by the load),
    and on downstream through the customer_sk fact_orders' row held before its scoped build."""
    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    moved, left, joined_person = an_order_moved_to_another_person(workspace)
    profile = "SELECT customer_unique_id, orders_count FROM mart.mart_customer_profile WHERE customer_unique_id IN (?, ?) ORDER BY 1"
    before = dict(workspace.query(profile, [left, joined_person]))
    landing = tmp_path / "delta"
    deliver(landing, [moved])
    assert not workspace.ingest(landing, "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    builds = {o.step: o for o in result.outcomes if o.step.startswith("build:")}
    assert builds["build:dim_customer"].keys_affected == 2  # both persons' observations changed
    assert builds["build:mart_customer_profile"].keys_affected == 2, builds["build:mart_customer_profile"]
    after = dict(workspace.query(profile, [left, joined_person]))
    assert after[left] == before[left] - 1 and after[joined_person] == before.get(joined_person, 0) + 1
    # kept only until every reader consumed them
    assert workspace.query("SELECT COUNT(*) FROM elt.changed_values") == [(0,)]
    scoped = model_digests(workspace.warehouse)
    assert workspace.run(datetime.datetime(2018, 10, 18), full=True).ok
    assert model_digests(workspace.warehouse) == scoped


def test_a_key_whose_rows_all_moved_away_is_gone_as_in_a_load_from_scratch(tmp_path):
    """A person's only order, corrected to another person: the profile (one row per person with
    orders) of the person it left is recomputed to nothing, so its row is deleted — a scoped
    build makes the affected keys' rows exactly what the SELECT returns, as a load from scratch
    of the same deliveries would. (The SCD2 dimension keeps the person's versions: history.)"""
    workspace = Workspace(tmp_path / "batches", OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    ((order_id, left),) = workspace.query(
        """SELECT MIN(o.order_id), c.customer_unique_id FROM staging.orders o JOIN staging.customers c USING (customer_id)
        WHERE o.order_status = 'delivered' GROUP BY c.customer_unique_id HAVING COUNT(*) = 1 ORDER BY 2 LIMIT 1"""
    )
    (row,) = workspace.query(f"SELECT {', '.join(ORDER_COLUMNS)} FROM staging.orders WHERE order_id = ?", [order_id])
    moved = dict(zip(ORDER_COLUMNS, row))
    ((joined,),) = workspace.query(
        "SELECT customer_id FROM staging.customers WHERE customer_unique_id <> ? ORDER BY 1 LIMIT 1", [left]
    )
    moved["customer_id"] = joined
    profile = "SELECT COUNT(*) FROM mart.mart_customer_profile WHERE customer_unique_id = ?"
    assert workspace.query(profile, [left]) == [(1,)]
    deliver(tmp_path / "delta", [moved])
    assert not workspace.ingest(tmp_path / "delta", "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:mart_customer_profile")
    assert build.keys_affected == 2, build  # the person it left and the one it joined
    assert workspace.query(profile, [left]) == [(0,)]
    # the same deliveries loaded at once: every merge model equal (the SCD2 dimension, and the
    # view over it, keep the person the order left: its history)
    scratch = Workspace(tmp_path / "scratch", OLIST)
    assert not scratch.ingest(OLIST / "sample", "2018-10-17").failed
    assert not scratch.ingest(tmp_path / "delta", "2018-10-18").failed
    assert scratch.run(datetime.datetime(2018, 10, 18)).ok
    merged = {t for t in model_digests(scratch.warehouse) if "dim_customer" not in t and "customer_360" not in t}
    assert {t: model_digests(workspace.warehouse)[t] for t in merged} == {
        t: model_digests(scratch.warehouse)[t] for t in merged
    }
    assert "mart.mart_customer_profile" in merged


def test_an_scd2_version_whose_observation_went_to_another_person_stays_until_the_table_is_dropped(tmp_path):
    """A customers row corrected to another person: the person it left keeps the address version
    that order opened (an SCD2 dimension keeps what it saw, even through `--full`), and so does
    the profile's current address, where a load from scratch never saw it (adversarial round
    10). The documented remedy for a feed that corrects errors: drop the dimension's table —
    the next run makes it anew from the observations staging holds, and its readers rebuild
    whole: every model then equals a load of the same deliveries from scratch."""
    workspace = Workspace(tmp_path / "batches", OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    # a person who moved: the customer row of the order that opened the later version
    ((person, customer_id, zip_code),) = workspace.query(
        """SELECT c.customer_unique_id, c.customer_id, c.customer_zip_code_prefix
        FROM staging.customers c JOIN staging.orders o USING (customer_id)
        JOIN dwh.dim_customer d ON d.customer_unique_id = c.customer_unique_id AND d.is_current
         AND d.valid_from = o.order_purchase_timestamp AND d.zip_code_prefix = c.customer_zip_code_prefix
        WHERE c.customer_unique_id IN (SELECT customer_unique_id FROM dwh.dim_customer GROUP BY 1 HAVING COUNT(*) = 2)
        ORDER BY 1 LIMIT 1"""
    )
    (row,) = workspace.query(
        "SELECT * EXCLUDE (_batch_date, _source_file, _source_line, _load_seq) FROM staging.customers WHERE customer_id = ?",
        [customer_id],
    )
    delta = tmp_path / "delta"
    delta.mkdir()
    with open(delta / "olist_customers_dataset.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["customer_id", "customer_unique_id", "customer_zip_code_prefix", "customer_city", "customer_state"]
        )
        writer.writerow([row[0], "f" * 32, *row[2:]])  # the order was another person's
    assert not workspace.ingest(delta, "2018-10-18").failed
    assert workspace.run(datetime.datetime(2018, 10, 18)).ok
    current = "SELECT zip_code_prefix FROM mart.mart_customer_profile WHERE customer_unique_id = ?"
    assert workspace.query(current, [person]) == [(zip_code,)]  # the version that order opened: history
    assert workspace.run(datetime.datetime(2018, 10, 18), full=True).ok
    assert workspace.query(current, [person]) == [(zip_code,)]  # `--full` keeps history too
    scratch = Workspace(tmp_path / "scratch", OLIST)
    assert not scratch.ingest(OLIST / "sample", "2018-10-17").failed
    assert not scratch.ingest(delta, "2018-10-18").failed
    assert scratch.run(datetime.datetime(2018, 10, 18)).ok
    assert scratch.query(current, [person]) != [(zip_code,)]
    with duckdb.connect(str(workspace.warehouse)) as conn:
        conn.execute("DROP TABLE dwh.dim_customer CASCADE")
    rebuilt = workspace.run(datetime.datetime(2018, 10, 18))
    assert rebuilt.ok, [(o.step, o.error) for o in rebuilt.outcomes if o.error]
    assert model_digests(workspace.warehouse) == model_digests(scratch.warehouse)


ACTIVITY_YML = """version: 1
kind: model
name: member_activity
layer: mart
materialization: incremental
incremental: {strategy: delete_insert}
depends_on: [members, purchases]
keys: {business: [member_id, kind]}
columns:
  - {name: member_id, type: bigint, nullable: false}
  - {name: kind, type: string, nullable: false}
  - {name: n, type: bigint, nullable: false}
checks:
  - {type: unique, columns: [member_id, kind]}
sql: |
  SELECT p.member_id, 'purchases' AS kind, COUNT(*) AS n FROM purchases p GROUP BY p.member_id
  UNION ALL
  SELECT m.member_id, 'profiles' AS kind, COUNT(*) AS n FROM members m GROUP BY m.member_id
"""


def test_a_union_is_scoped_branch_by_branch(tmp_path):
    """A UNION at the top: each branch is traced on its own (its key is the column at the key's
    position), and a batch rebuilds exactly the members it names — the result equal to one load
    of the same deliveries from scratch."""
    from tests.conftest import FIXTURES, lint

    gold = ("gold", "Lisbon")
    days = [
        shop_delivery(
            tmp_path / "day01", dict.fromkeys([1, 2, 3], gold), [("p1", 1, "2024-01-01"), ("p2", 2, "2024-01-01")]
        ),
        shop_delivery(tmp_path / "day02", {4: gold}, [("p3", 1, "2024-01-02"), ("p4", 3, "2024-01-02")]),
    ]
    batches, scratch = (
        Workspace(tmp_path / "batches", FIXTURES / "tiny_shop"),
        Workspace(tmp_path / "scratch", FIXTURES / "tiny_shop"),
    )
    for workspace in (batches, scratch):
        (workspace.pipeline / "models" / "member_activity.yml").write_text(ACTIVITY_YML)
    assert lint(batches.pipeline) == []
    for day, folder in enumerate(days, 1):
        assert not batches.ingest(folder, f"2024-01-0{day}").failed
        result = batches.run(datetime.datetime(2024, 1, day))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:member_activity")
    assert build.keys_affected == 3 and build.detail.startswith("scoped to 3 key(s)"), build  # members 1, 3, 4
    for day, folder in enumerate(days, 1):
        assert not scratch.ingest(folder, f"2024-01-0{day}").failed
    assert scratch.run(datetime.datetime(2024, 1, 2)).ok
    assert model_digests(batches.warehouse) == model_digests(scratch.warehouse)
    assert batches.query("SELECT n FROM mart.member_activity WHERE member_id = 1 AND kind = 'purchases'") == [(2,)]


SEQUENCE_YML = """version: 1
kind: model
name: purchase_seq
layer: fact
materialization: incremental
incremental: {strategy: merge}
depends_on: [purchases]
keys: {business: [purchase_id]}
columns:
  - {name: purchase_id, type: string, nullable: false, tests: [unique]}
  - {name: member_id, type: bigint, nullable: false}
  - {name: nth, type: bigint, nullable: false}
sql: |
  SELECT p.purchase_id, p.member_id,
         ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY p.purchased_at, p.purchase_id) AS nth
  FROM purchases p
"""

LATEST_YML = """version: 1
kind: model
name: latest_purchase
layer: fact
materialization: incremental
incremental: {strategy: delete_insert}
depends_on: [purchases]
keys: {business: [purchase_id]}
columns:
  - {name: purchase_id, type: string, nullable: false, tests: [unique]}
  - {name: member_id, type: bigint, nullable: false}
sql: |
  SELECT p.purchase_id, p.member_id
  FROM purchases p
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY p.purchased_at DESC, p.purchase_id) = 1
"""


def test_windows_over_another_column_rebuild_the_partitions_a_batch_touches(tmp_path):
    """A window partitioned by the member (the nth purchase of a member; the latest purchase per
    member) in models keyed by purchase: a late purchase renumbers its member's others, a new one
    drops the member's previous latest, a purchase moved to another member renumbers both
    members — each batch rebuilds the touched members' purchases only, and ends equal to a load
    of the same deliveries from scratch."""
    from tests.conftest import lint

    def deliveries(day: int, bought: list[tuple[str, int, str]]):
        return shop_delivery(tmp_path / f"day0{day}", {}, [(p, m, f"2024-01-{at}") for p, m, at in bought])

    days = [
        deliveries(1, [("p1", 1, "05"), ("p2", 1, "06"), ("p3", 2, "05"), ("p4", 3, "01")]),
        deliveries(2, [("p5", 1, "01"), ("p6", 2, "09")]),  # late for member 1, latest for member 2
        deliveries(3, [("p2", 2, "06")]),  # p2 corrected to member 2
    ]
    batches, scratch = upsert_shops(tmp_path, {"purchase_seq": SEQUENCE_YML, "latest_purchase": LATEST_YML})
    assert lint(batches.pipeline) == []
    for day, folder in enumerate(days, 1):
        assert not batches.ingest(folder, f"2024-02-0{day}").failed
        result = batches.run(datetime.datetime(2024, 2, day))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
        builds = {o.step: o for o in result.outcomes if o.step.startswith("build:")}
        if day == 2:  # p5, p6, and the other purchases of members 1 and 2: not member 3's
            assert builds["build:purchase_seq"].keys_affected == 5, builds["build:purchase_seq"]
    # p2 left member 1 (its kept old member) and joined member 2: both members' purchases
    assert builds["build:purchase_seq"].keys_affected == 5 and builds["build:latest_purchase"].keys_affected == 5
    for day, folder in enumerate(days, 1):
        assert not scratch.ingest(folder, f"2024-02-0{day}").failed
    assert scratch.run(datetime.datetime(2024, 2, 3)).ok
    assert model_digests(batches.warehouse) == model_digests(scratch.warehouse)
    assert batches.query("SELECT purchase_id, nth FROM dwh.purchase_seq WHERE member_id = 2 ORDER BY nth") == [
        ("p3", 1),
        ("p2", 2),
        ("p6", 3),
    ]
    assert batches.query("SELECT member_id, purchase_id FROM dwh.latest_purchase ORDER BY 1") == [
        (1, "p1"),
        (2, "p6"),
        (3, "p4"),
    ]


TWO_WINDOWS_YML = """version: 1
kind: model
name: purchase_windows
layer: fact
materialization: incremental
incremental: {strategy: merge}
depends_on: [purchases, members]
keys: {business: [purchase_id]}
columns:
  - {name: purchase_id, type: string, nullable: false, tests: [unique]}
  - {name: same_time, type: bigint, nullable: false}
  - {name: nth, type: bigint, nullable: false}
sql: |
  WITH base AS (
    SELECT p.purchase_id, p.member_id, p.purchased_at FROM purchases p JOIN members m ON m.member_id = p.member_id
  )
  SELECT b.purchase_id,
         COUNT(*) OVER (PARTITION BY b.purchased_at) AS same_time,
         ROW_NUMBER() OVER (PARTITION BY b.member_id ORDER BY b.purchased_at, b.purchase_id) AS nth
  FROM base b
"""


def test_windows_partitioned_by_different_columns_build_whole_and_equal_a_load_from_scratch(tmp_path):
    """Adversarial round 12 (window_two_partitions): a member's change reached p1, then p2 through
    p1's time partition, and was numbered among its member's purchases without p3 (1, not 2). Closing keys
    over two partitionings has no bound: such a model builds whole, and says why."""
    from framework.sql.lineage import WINDOWS
    from tests.conftest import lint

    days = [
        shop_delivery(
            tmp_path / "day01",
            {1: ("gold", "Lyon"), 2: ("gold", "Nice"), 3: ("gold", "Metz")},
            [("p1", 1, "2024-01-05"), ("p2", 2, "2024-01-05"), ("p3", 2, "2024-01-01"), ("p4", 3, "2024-01-05")],
        ),
        shop_delivery(tmp_path / "day02", {1: ("silver", "Lyon")}, []),
    ]
    batches, scratch = upsert_shops(tmp_path, {"purchase_windows": TWO_WINDOWS_YML})
    found = [d for d in lint(batches.pipeline) if d.code == "W503"]
    assert len(found) == 1 and WINDOWS in found[0].message, [d.format() for d in found]
    for day, folder in enumerate(days, 1):
        assert not batches.ingest(folder, f"2024-02-0{day}").failed
        result = batches.run(datetime.datetime(2024, 2, day))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:purchase_windows")
    assert WINDOWS in build.detail, build
    for day, folder in enumerate(days, 1):
        assert not scratch.ingest(folder, f"2024-02-0{day}").failed
    assert scratch.run(datetime.datetime(2024, 2, 2)).ok
    rows = "SELECT purchase_id, nth, same_time FROM dwh.purchase_windows ORDER BY 1"
    assert batches.query(rows) == scratch.query(rows) == [("p1", 1, 3), ("p2", 2, 3), ("p3", 1, 1), ("p4", 1, 3)]


def test_windows_over_a_nullable_column_rebuild_the_null_partition_too(tmp_path):
    """Adversarial rounds 8 and 18 (window_null_partition): PARTITION BY groups NULLs into one
    partition, which `IN` never matches. A purchase of no member arriving late, one moving from a
    member to none, and one moving from none to a member rebuilt nothing of the NULL partition (a
    row lost, numbers stale). The key paths and the partition filter take the NULL partition when
    a changed row is or was in it (the NULL a row left is kept among the changed values)."""
    from tests.conftest import lint

    def deliveries(day: int, bought: list[tuple[str, int | None, str]]):
        folder = tmp_path / f"day0{day}"
        folder.mkdir(parents=True)
        write_purchases(folder, [(p, m, "1.00", f"2024-01-{at} 12:00:00") for p, m, at in bought])
        return folder

    days = [
        deliveries(1, [("p1", 1, "05"), ("p2", None, "06"), ("p3", 1, "07")]),
        deliveries(2, [("p0", None, "01")]),  # late, into the NULL partition: renumbers p2
        deliveries(3, [("p1", None, "05")]),  # from member 1 to none: renumbers both partitions
        # from none to member 1 (adversarial round 18, window_null_partition): the value it left
        # is NULL, which the key paths must keep to renumber p1 and p2
        deliveries(4, [("p0", 1, "01")]),
    ]
    nullable = SEQUENCE_YML.replace(
        "{name: member_id, type: bigint, nullable: false}", "{name: member_id, type: bigint}"
    )
    batches, scratch = upsert_shops(tmp_path, {"purchase_seq": nullable})
    for workspace in (batches, scratch):
        source = workspace.pipeline / "sources" / "purchases.yml"
        source.write_text(
            source.read_text().replace(
                "{name: member_id, type: bigint, nullable: false}", "{name: member_id, type: bigint}"
            )
        )
    assert lint(batches.pipeline) == []
    for day, folder in enumerate(days, 1):
        assert not batches.ingest(folder, f"2024-02-0{day}").failed
        result = batches.run(datetime.datetime(2024, 2, day))
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
        build = next(o for o in result.outcomes if o.step == "build:purchase_seq")
        assert day == 1 or "scoped to" in build.detail, build
    for day, folder in enumerate(days, 1):
        assert not scratch.ingest(folder, f"2024-02-0{day}").failed
    assert scratch.run(datetime.datetime(2024, 2, 4)).ok
    assert model_digests(batches.warehouse) == model_digests(scratch.warehouse)
    assert batches.query("SELECT purchase_id, member_id, nth FROM dwh.purchase_seq ORDER BY 1") == [
        ("p0", 1, 1),
        ("p1", None, 1),
        ("p2", None, 2),
        ("p3", 1, 2),
    ]


ACTIVE_YML = """version: 1
kind: model
name: active_members
layer: dimension
materialization: incremental
incremental: {strategy: merge}
depends_on: [members]
keys: {business: [member_id]}
columns:
  - {name: member_id, type: bigint, nullable: false, tests: [unique]}
  - {name: tier, type: string}
sql: SELECT m.member_id, m.tier FROM members m WHERE m.tier <> 'gone'
"""

SPENDERS_YML = """version: 1
kind: model
name: spenders
layer: fact
materialization: incremental
incremental: {strategy: merge}
depends_on: [purchases]
keys: {business: [purchase_id]}
columns:
  - {name: purchase_id, type: string, nullable: false, tests: [unique]}
  - {name: member_id, type: bigint, nullable: false}
sql: SELECT p.purchase_id, p.member_id FROM purchases p
checks:
  - {type: relationships, column: member_id, to: active_members.member_id}
"""


def test_a_parent_losing_rows_fails_the_checks_of_a_model_left_dangling(tmp_path):
    """A model whose relationships check reads a model it does not depend on: when that parent
    deletes a row (its SELECT no longer returns it), the child is not rebuilt — but its checks run
    on its published state, fail as a load from scratch would, and keep failing (it is rebuilt
    and refused) until the data is fixed."""
    from tests.conftest import FIXTURES, lint

    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    (workspace.pipeline / "models" / "active_members.yml").write_text(ACTIVE_YML)
    (workspace.pipeline / "models" / "spenders.yml").write_text(SPENDERS_YML)
    assert lint(workspace.pipeline) == []

    def deliver_day(day: int, tiers: dict[int, str], bought: list[tuple[str, int]]):
        members = {i: (tier, "Lisbon") for i, tier in tiers.items()}
        folder = shop_delivery(tmp_path / f"day0{day}", members, [(p, m, f"2024-01-0{day}") for p, m in bought])
        assert not workspace.ingest(folder, f"2024-01-0{day}").failed
        return workspace.run(datetime.datetime(2024, 1, day))

    assert deliver_day(1, {1: "gold", 2: "gold"}, [("p1", 1), ("p2", 2)]).ok
    gone = deliver_day(2, {1: "gone"}, [])  # member 1 leaves active_members; spenders is up to date
    steps = {o.step: o for o in gone.outcomes}
    assert "build:spenders" not in steps or steps["build:spenders"].status.value == "up to date", steps.get(
        "build:spenders"
    )
    assert not gone.ok and steps["check:spenders"].status.value == "failed", steps.get("check:spenders")
    assert "relationships(member_id -> active_members.member_id): 1 failing row(s)" in steps["check:spenders"].error
    again = workspace.run(datetime.datetime(2024, 1, 2, 1))  # nothing new: still refused
    assert not again.ok and any(o.step == "build:spenders" and o.status.value == "failed" for o in again.outcomes)
    assert deliver_day(3, {1: "silver"}, []).ok  # the member is back: the child is accepted again
    # the same when the child is rebuilt (scoped) in the run its parent loses a row: no key path
    # leads from that parent to the child, so every row of the child is checked
    both = deliver_day(4, {2: "gone"}, [("p3", 1)])
    steps = {o.step: o for o in both.outcomes}
    assert not both.ok and steps["build:spenders"].status.value == "failed", steps["build:spenders"]
    assert "relationships(member_id -> active_members.member_id): 1 failing row(s)" in steps["build:spenders"].error


DAILY_YML = """version: 1
kind: model
name: daily_purchases
layer: mart
materialization: incremental
incremental: {strategy: time_range, time_column: day}
depends_on: [purchases]
keys: {business: [day]}
columns:
  - {name: day, type: date, nullable: false, tests: [unique]}
  - {name: purchases, type: bigint, nullable: false}
sql: |
  SELECT CAST(p.purchased_at AS DATE) AS day, COUNT(*) AS purchases FROM purchases p
  GROUP BY CAST(p.purchased_at AS DATE)
"""


def test_a_time_range_model_over_all_rows_loses_a_day_its_only_row_moved_from(tmp_path):
    """A time_range SELECT that reads every row (no `_batch_date` filter) returns every day there
    is: a purchase corrected to another day leaves its old day, as in a load from scratch.
    Replacing only the days the SELECT returned kept the old day's count forever."""
    from tests.conftest import lint

    days = [
        shop_delivery(tmp_path / "day01", {}, [("p1", 1, "2024-01-05"), ("p2", 1, "2024-01-06")]),
        shop_delivery(tmp_path / "day02", {}, [("p2", 1, "2024-01-05")]),  # p2 was bought on the 5th
    ]
    batches, scratch = upsert_shops(tmp_path, {"daily_purchases": DAILY_YML})
    assert lint(batches.pipeline) == []
    for day, folder in enumerate(days, 1):
        assert not batches.ingest(folder, f"2024-02-0{day}").failed
        assert batches.run(datetime.datetime(2024, 2, day)).ok
    assert batches.query("SELECT CAST(day AS VARCHAR), purchases FROM mart.daily_purchases") == [("2024-01-05", 2)]
    for day, folder in enumerate(days, 1):
        assert not scratch.ingest(folder, f"2024-02-0{day}").failed
    assert scratch.run(datetime.datetime(2024, 2, 2)).ok
    assert model_digests(batches.warehouse) == model_digests(scratch.warehouse)


def test_a_time_range_model_filtered_on_an_upsert_sources_batch_is_refused_before_it_runs(tmp_path):
    """A time_range SELECT filtered by `_batch_date` replaces only the days it returns. Over an
    upsert source a purchase re-sent takes the later batch's `_batch_date`, so the day it left
    was never returned and kept it (adversarial round 8 found `--full` kept it too; round 13,
    that a run per batch keeps it where one load does not). Such a filter is refused (E413):
    nothing loads or builds; over an append source it runs (the lint rule's test)."""
    import pytest

    from framework.errors import SpecError

    days = [shop_delivery(tmp_path / "day01", {}, [("p1", 1, "2024-01-05"), ("p2", 1, "2024-01-06")])]
    batch_relative = DAILY_YML.replace(
        "FROM purchases p\n", "FROM purchases p WHERE p._batch_date >= CAST('2024-02-01' AS DATE)\n"
    )
    batches, _ = upsert_shops(tmp_path, {"daily_purchases": batch_relative})
    assert not batches.ingest(days[0], "2024-02-01").failed
    with pytest.raises(SpecError) as refused:
        batches.run(datetime.datetime(2024, 2, 1))
    assert [d.code for d in refused.value.diagnostics] == ["E413"], refused.value.diagnostics
    assert not batches.warehouse.exists() or batches.query("SELECT COUNT(*) FROM staging.purchases") == [(0,)]


def test_a_geolocation_snapshot_moving_one_zip_code_rebuilds_only_its_persons(tmp_path):
    """dim_zip_prefix (a table model) records the zip codes its rebuild changed; dim_customer
    follows them scoped to the persons of those zip codes — not whole, as when it read the
    geolocation snapshot itself — and every model equals a load of the same files from scratch."""
    import gzip

    workspace = Workspace(tmp_path / "batches", OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    with gzip.open(OLIST / "sample" / "olist_geolocation_dataset.csv.gz", "rt", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    moved = rows[0][0]
    delta = tmp_path / "delta"
    delta.mkdir()
    with open(delta / "olist_geolocation_dataset.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:  # one zip code's points moved north
            writer.writerow([row[0], str(float(row[1]) + 0.01) if row[0] == moved else row[1], *row[2:]])
    assert not workspace.ingest(delta, "2018-10-18").failed
    result = workspace.run(datetime.datetime(2018, 10, 18))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    builds = {o.step: o for o in result.outcomes if o.step.startswith("build:")}
    ((persons,),) = workspace.query(
        "SELECT COUNT(DISTINCT customer_unique_id) FROM staging.customers WHERE customer_zip_code_prefix = ?", [moved]
    )
    assert persons >= 1
    assert builds["build:dim_zip_prefix"].detail == "rows of 1 key(s) changed"  # a table model: rebuilt, compared
    assert builds["build:dim_customer"].keys_affected == persons, builds["build:dim_customer"]
    assert "whole" not in builds["build:dim_customer"].detail
    scratch = Workspace(tmp_path / "scratch", OLIST)
    assert not scratch.ingest(OLIST / "sample", "2018-10-17").failed
    assert not scratch.ingest(delta, "2018-10-18").failed
    assert scratch.run(datetime.datetime(2018, 10, 18)).ok
    assert model_digests(workspace.warehouse) == model_digests(scratch.warehouse)
