"""A warehouse built from the bundled real sample, once per session, for the dashboard tests
(never the user's warehouse/ folder), and the environment that points the app at it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import OLIST, REPO
from tests.support.workspace import Workspace

APP = str(REPO / "dashboard" / "app.py")


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("dashboard"), OLIST)
    report = workspace.ingest(OLIST / "sample")
    assert not report.failed, [f.error for f in report.files if f.error]
    result = workspace.run()
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    return workspace


@pytest.fixture
def dashboard_env(sample_warehouse, monkeypatch) -> Workspace:
    """The app's environment: the sample warehouse through the pipeline's own `local` target."""
    monkeypatch.setenv("ELT_DASHBOARD_PIPELINE", str(sample_warehouse.pipeline))
    monkeypatch.setenv("ELT_DASHBOARD_WAREHOUSE", str(sample_warehouse.warehouse))
    monkeypatch.delenv("ELT_DASHBOARD_TARGET", raising=False)
    return sample_warehouse


def query(workspace: Workspace, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(workspace.warehouse), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def expected_overview(
    workspace: Workspace, start: datetime.date, end: datetime.date, states: tuple[str, ...] = ()
) -> dict[str, float | int | None]:
    """The Overview's six KPIs, computed here with plain SQL: from mart_daily_sales when no state
    is chosen (the pipeline's own daily figures), from the facts otherwise."""
    if not states:
        orders, revenue, payments = query(
            workspace,
            """
            SELECT SUM(orders), SUM(revenue), SUM(payments) FROM mart.mart_daily_sales
            WHERE date_key BETWEEN ? AND ?""",
            [start, end],
        )[0]
    else:
        orders, revenue, payments = query(
            workspace,
            f"""
            SELECT COUNT(*), SUM(o.items_total), SUM(o.payment_total)
            FROM dwh.fact_orders o JOIN dwh.dim_customer c USING (customer_sk)
            WHERE o.date_key BETWEEN ? AND ? AND c.state IN ({", ".join("?" * len(states))})""",
            [start, end, *states],
        )[0]
    state_filter = f"AND c.state IN ({', '.join('?' * len(states))})" if states else ""
    customers, delivered, on_time, avg_review = query(
        workspace,
        f"""
        SELECT COUNT(DISTINCT c.customer_unique_id),
               COUNT(o.is_late), COUNT(*) FILTER (WHERE NOT o.is_late), AVG(o.review_score)
        FROM dwh.fact_orders o JOIN dwh.dim_customer c USING (customer_sk)
        WHERE o.date_key BETWEEN ? AND ? {state_filter}""",
        [start, end, *states],
    )[0]
    return {
        "orders": orders or 0,
        "revenue": revenue or Decimal(0),
        "avg_ticket": payments / orders if orders else None,
        "customers": customers,
        "on_time": on_time / delivered if delivered else None,
        "avg_review": avg_review,
    }
