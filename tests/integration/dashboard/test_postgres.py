"""The same queries rendered for PostgreSQL give the same page data as on DuckDB.

The pipeline runs into a throw-away PostgreSQL 15 from the sample's lake (the framework's
postgres target), and every page's queries run on both warehouses with the same filters: what
the dialect rendering promises, checked on a second real engine. Missing PostgreSQL binaries
fail in CI and skip elsewhere, as in tests/integration/postgres."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from dashboard import data, queries
from dashboard.config import DashboardConfig, load_config
from dashboard.filters import Filters
from framework.spec.model import DEFAULT_SCHEMAS
from tests.support.workspace import BATCH

PERIODS = [
    Filters(datetime.date(2017, 10, 18), datetime.date(2018, 10, 17)),
    Filters(datetime.date(2018, 1, 1), datetime.date(2018, 3, 31), ("RJ", "SP")),
]


@pytest.fixture(scope="module")
def pg_config(sample_warehouse, postgres):
    from framework.run.runner import RunOptions, run_pipeline

    settings = postgres.settings(postgres.create_database("dashboard"), str(sample_warehouse.lake))
    result = run_pipeline(str(sample_warehouse.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    return DashboardConfig(str(sample_warehouse.pipeline), settings, tuple(sorted(DEFAULT_SCHEMAS.items())))


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral values: timestamps for dates, rounded floats, rows in a fixed order."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) and isinstance(values.iloc[0], (datetime.date, pd.Timestamp)):
            frame[column] = pd.to_datetime(frame[column])
        elif pd.api.types.is_float_dtype(frame[column]) or pd.api.types.is_integer_dtype(frame[column]):
            frame[column] = frame[column].astype(float).round(6)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("page", [p for p in queries.PAGES if p != "health"])
def test_every_page_gets_the_same_data_from_postgres(page, pg_config, sample_warehouse):
    duck = load_config(
        {
            "ELT_DASHBOARD_PIPELINE": str(sample_warehouse.pipeline),
            "ELT_DASHBOARD_WAREHOUSE": str(sample_warehouse.warehouse),
        }
    )
    customer = data.fetch(duck, (queries.TOP_SPENDER,), {})["top_spender"].iloc[0, 0]
    for filters in PERIODS:
        params = {**filters.params(), "customer": customer, "id_prefix": "%", "limit": 100, "pipeline": "olist"}
        expected, got = (
            data.fetch(duck, queries.PAGES[page], params),
            data.fetch(pg_config, queries.PAGES[page], params),
        )
        for name, frame in expected.items():
            assert not frame.empty, (page, name)
            pd.testing.assert_frame_equal(
                comparable(got[name]), comparable(frame), check_dtype=False, obj=f"{page}.{name} {filters.describe()}"
            )


def test_pipeline_health_reads_the_postgres_run_log(pg_config):
    result = data.fetch(pg_config, queries.PAGES["health"], {"pipeline": "olist", "limit": 20})
    assert len(result["runs"]) == 1 and result["runs"].iloc[0]["failed_checks"] == 0
    assert set(result["source_freshness"]["source"]) >= {"orders", "customers", "order_items"}
    assert result["latest_rejects"].empty  # the bundled sample loads whole
