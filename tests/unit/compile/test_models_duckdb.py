"""SCD1 merge, delete+insert, time range and full-refresh models executed on DuckDB over batches."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.support.duck import Warehouse, compile_fixture
from tests.unit.compile.test_scd2_duckdb import HISTORY


@pytest.fixture(scope="module")
def compiled():
    return compile_fixture(FIXTURES / "scd2_case")


def run_history(warehouse, models, upto=None, start=0):
    upto = len(HISTORY) if upto is None else upto
    for _, batch_date, observations, _ in HISTORY[start:upto]:
        warehouse.load("account_events", batch_date, observations)
        for model in models:
            warehouse.build(model)
            assert warehouse.failing_checks(model) == {}, (model, batch_date)


def latest_by_key(upto):
    latest = {}
    for _, _, observations, _ in HISTORY[:upto]:
        for o in observations:
            key = (o["region"], o["account_no"])
            if key not in latest or o["changed_at"] > latest[key]["changed_at"]:
                latest[key] = o
    return sorted((k[0], k[1], o["plan"], o["owner"], o["changed_at"]) for k, o in latest.items())


@pytest.mark.parametrize("upto", range(1, len(HISTORY) + 1))
def test_scd1_merge_keeps_the_latest_observation_per_key(compiled, tmp_path, upto):
    warehouse = Warehouse(*compiled, tmp_path)
    run_history(warehouse, ["dim_account_latest"], upto)
    rows = warehouse.rows("SELECT region, account_no, plan, owner, changed_at FROM dwh.dim_account_latest ORDER BY ALL")
    assert rows == latest_by_key(upto)


def test_an_scd1_build_marks_the_rows_it_writes_and_no_other(compiled, tmp_path):
    """A whole build writes every row; one scoped to the keys a later load changed (here by
    region: the batch names eu/1 only) writes theirs, and the other rows keep their marker."""
    warehouse = Warehouse(*compiled, tmp_path)
    marks = "SELECT region, account_no, _build_seq FROM dwh.dim_account_latest ORDER BY ALL"
    warehouse.load("account_events", HISTORY[0][1], HISTORY[0][2])
    assert warehouse.build("dim_account_latest") == 1
    assert warehouse.rows(marks) == [("eu", 1, 1), ("eu", 2, 1), ("us", 1, 1)]
    warehouse.load("account_events", HISTORY[3][1], HISTORY[3][2])  # load 2: eu/1 only
    assert warehouse.build("dim_account_latest", since={"account_events": 1}) == 2
    assert warehouse.rows(marks) == [("eu", 1, 2), ("eu", 2, 2), ("us", 1, 1)]
    assert warehouse.build("dim_account_latest") == 3  # whole again: every row
    assert {seq for *_, seq in warehouse.rows(marks)} == {3}


def test_delete_insert_fact_points_at_the_version_valid_at_event_time(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    run_history(warehouse, ["dim_account", "fact_usage"])
    rows = warehouse.rows("""
        SELECT f.region, f.account_no, CAST(f.usage_date AS VARCHAR), f.events, d.plan, d.owner
        FROM dwh.fact_usage f JOIN dwh.dim_account d ON d.account_sk = f.account_sk
        WHERE f.region = 'us' ORDER BY f.usage_date""")
    assert rows == [
        ("us", 1, "2024-01-01", 1, "basic", "bob"),
        ("us", 1, "2024-01-02", 1, "basic", "bob"),
        ("us", 1, "2024-01-03", 2, "gold", "carl"),
        ("us", 1, "2024-01-05", 1, "gol", "dcarl"),
    ]
    (count,) = warehouse.rows("SELECT COUNT(*) FROM dwh.fact_usage")[0]
    assert count == len(
        {(o["region"], o["account_no"], o["changed_at"].date()) for _, _, obs, _ in HISTORY for o in obs}
    )


def test_time_range_replaces_only_the_days_of_the_batch(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    run_history(warehouse, ["agg_daily_events"], 3)
    # batch 3 re-sent one observation of 2024-01-01: that day (only) is replaced by batch 3's count
    assert warehouse.rows("SELECT CAST(event_date AS VARCHAR), events FROM mart.agg_daily_events ORDER BY 1") == [
        ("2024-01-01", 1),
        ("2024-01-02", 3),
        ("2024-01-03", 2),
    ]


def test_full_refresh_table_is_rebuilt_and_swapped(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    run_history(warehouse, ["dim_account", "mart_plans"], 2)
    plans = "SELECT plan, accounts, _build_seq FROM mart.mart_plans ORDER BY plan"
    assert warehouse.rows(plans) == [("basic", 1, 2), ("pro", 2, 2)]  # every row by the second build
    run_history(warehouse, ["dim_account", "mart_plans"], 5, start=2)
    assert warehouse.rows(plans) == [("gol", 1, 5), ("pro", 2, 5)]
    assert warehouse.rows("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE '%__new'") == [(0,)]


def test_a_duplicate_key_from_the_select_fails_before_anything_is_written(tmp_path):
    import shutil

    from framework.execute.steps import StepFailed

    root = tmp_path / "pipeline"
    shutil.copytree(FIXTURES / "scd2_case", root)
    spec = root / "models" / "mart_plans.yml"
    spec.write_text(
        spec.read_text()
        .replace("COUNT(*) AS accounts", "1 AS accounts")
        .replace("  GROUP BY COALESCE(plan, 'none')\n", "")
    )
    warehouse = Warehouse(*compile_fixture(root), tmp_path)
    warehouse.rows("INSERT INTO mart.mart_plans VALUES ('kept', 7, 1)")
    run_history(warehouse, ["dim_account"], 1)  # current plans: basic, pro, basic
    with pytest.raises(StepFailed, match=r"the SELECT of 'mart_plans' returned several rows for one key \(plan\)"):
        warehouse.build("mart_plans")
    assert warehouse.rows("SELECT * FROM mart.mart_plans") == [("kept", 7, 1)]
