"""Run a page's queries on one connection: what the UI caches and the benchmark times.

Free of Streamlit so the benchmark and tests time exactly what a page costs.
"""

from __future__ import annotations

from dashboard.config import DashboardConfig
from dashboard.sql import Query, render
from dashboard.warehouse import WarehouseUnavailable, connect


def fetch(config: DashboardConfig, queries: tuple[Query, ...], params: dict) -> dict:
    """{query name: DataFrame} for the queries, rendered for the config's dialect and schemas."""
    schemas = dict(config.schemas)
    rendered = [render(q, config.dialect, schemas, params) for q in queries]
    with connect(config) as conn:
        try:
            results = conn.fetch_many(rendered)
        except Exception as err:
            if not missing_relation(err):
                raise
            raise WarehouseUnavailable(
                f"The warehouse of {config.describe()} lacks a table the dashboard reads "
                f"({' '.join(str(err).split())[:200]}): it is another database, or the pipeline has not set it up "
                f"yet. Run the pipeline first: `make run` (or `elt run {config.pipeline_root} --target {config.target}`)."
            ) from None
    return dict(zip([q.name for q in queries], results))


def missing_relation(err: BaseException) -> bool:
    """A table or schema the query names is not there (DuckDB's CatalogException; SQLSTATE 42P01
    or 3F000 on PostgreSQL and Redshift)."""
    if type(err).__name__ == "CatalogException":
        return True
    state = getattr(err, "sqlstate", None) or getattr(getattr(err, "__cause__", None), "sqlstate", None)
    return state in ("42P01", "3F000") or any(code in str(err) for code in ("'C': '42P01'", "'C': '3F000'"))
