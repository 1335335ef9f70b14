"""Run a page's queries on one connection: what the UI caches and the benchmark times.

Free of Streamlit so the benchmark and tests time exactly what a page costs.
"""

from __future__ import annotations

from dashboard.config import DashboardConfig
from dashboard.sql import Query, render
from dashboard.warehouse import connect


def fetch(config: DashboardConfig, queries: tuple[Query, ...], params: dict) -> dict:
    """{query name: DataFrame} for the queries, rendered for the config's dialect and schemas."""
    schemas = dict(config.schemas)
    rendered = [render(q, config.dialect, schemas, params) for q in queries]
    with connect(config) as conn:
        return dict(zip([q.name for q in queries], conn.fetch_many(rendered)))
