"""Streamlit glue shared by the pages: configuration, cached data, the filter sidebar, messages.

Caching: `page_data` results are cached per (configuration, page, parameters, data version);
the data version is the DuckDB file's size and mtime, so a pipeline run shows up on the next
interaction, and the cache also expires after ten minutes (servers have no file to watch).
Filter state lives in `st.session_state` under the widget keys, kept alive on pages that do
not draw the filters, so a user's selection survives a visit to the profile page.
"""

from __future__ import annotations

import datetime
import os

import streamlit as st

from dashboard import charts, data, fmt, queries
from dashboard.config import ConfigError, DashboardConfig, load_config
from dashboard.filters import Filters, default_filters
from dashboard.warehouse import WarehouseUnavailable, data_version

DATES_KEY, STATES_KEY = "filter_dates", "filter_states"
QUERY_SETS = {**queries.PAGES, "filters": queries.FILTER_BOUNDS, "profile_default": queries.PROFILE_DEFAULT}
_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|$:~<>"
CACHE_SECONDS = 600


@st.cache_resource(show_spinner=False)
def _config(pipeline: str | None, target: str | None, warehouse: str | None) -> DashboardConfig:
    return load_config(
        {
            k: v
            for k, v in (
                ("ELT_DASHBOARD_PIPELINE", pipeline),
                ("ELT_DASHBOARD_TARGET", target),
                ("ELT_DASHBOARD_WAREHOUSE", warehouse),
            )
            if v
        }
    )


def config() -> DashboardConfig:
    """The configuration the environment picks (see dashboard/config.py); stops on an error."""
    try:
        return _config(
            os.environ.get("ELT_DASHBOARD_PIPELINE"),
            os.environ.get("ELT_DASHBOARD_TARGET"),
            os.environ.get("ELT_DASHBOARD_WAREHOUSE"),
        )
    except (ConfigError, OSError) as err:
        st.error(f"The dashboard is not configured: {err}")
        st.stop()


@st.cache_data(ttl=CACHE_SECONDS, max_entries=512, show_spinner=False)
def _fetch(cfg: DashboardConfig, query_set: tuple, params: tuple, version: str) -> dict:
    """Cached on everything the result depends on, the queries' text included."""
    return data.fetch(cfg, query_set, dict(params))


def fetch(query_set: str, params: dict) -> dict:
    """{query name: DataFrame} for a page's queries; stops with a clear message when the
    warehouse cannot be read (missing, locked by a running pipeline, unreachable)."""
    cfg = config()
    params = {**params, "pipeline": cfg.pipeline}
    try:
        with st.spinner("Querying the warehouse…"):
            return _fetch(cfg, QUERY_SETS[query_set], tuple(sorted(params.items())), data_version(cfg))
    except WarehouseUnavailable as err:
        st.warning(str(err), icon="⏳")
        st.button("Retry")
        st.stop()


def page_data(page: str, **extra) -> dict:
    """A page's results under the current filters (plus the page's own parameters)."""
    return fetch(page, {**current_filters().params(), **extra})


def _bounds() -> tuple[datetime.date, datetime.date, list[str]]:
    result = fetch("filters", {})
    bounds = result["bounds"].iloc[0]
    if not bounds["orders"]:
        st.info("The warehouse has no orders yet: run the pipeline (`make run`).")
        st.stop()
    return (
        _as_date(bounds["first_date"]),
        _as_date(bounds["last_date"]),
        [s for s in result["states"]["state"].tolist() if s],
    )


def _as_date(value) -> datetime.date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def sidebar(uses_filters: bool) -> None:
    """The filters (on pages that use them) and what the dashboard is reading."""
    for key in (DATES_KEY, STATES_KEY):  # keep the selection while a page without filters is shown
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    cfg = config()
    first, last, states = _bounds()
    if uses_filters:
        _filter_widgets(first, last, states)
    else:
        st.sidebar.caption("The date and state filters do not apply to this page.")
    st.sidebar.caption(f"{cfg.describe()}; data from {first:%d/%m/%Y} to {last:%d/%m/%Y}.")


def _filter_widgets(first: datetime.date, last: datetime.date, states: list[str]) -> None:
    default = default_filters(first, last)
    chosen = st.session_state.get(DATES_KEY)
    if not chosen or not all(first <= d <= last for d in chosen):
        st.session_state[DATES_KEY] = (default.start, default.end)
    st.session_state.setdefault(STATES_KEY, [])
    st.session_state[STATES_KEY] = [s for s in st.session_state[STATES_KEY] if s in states]
    st.sidebar.header("Filters")
    st.sidebar.date_input(
        "Purchase dates",
        min_value=first,
        max_value=last,
        key=DATES_KEY,
        format="DD/MM/YYYY",
        help="Orders placed in this range (inclusive). Deltas compare with the period of the "
        "same length just before it.",
    )
    st.sidebar.multiselect(
        "Delivery states",
        states,
        key=STATES_KEY,
        placeholder="All states",
        help="The customer's address on the order (the SCD2 version valid at purchase).",
    )


def current_filters() -> Filters:
    """The filter set the sidebar holds (a half-picked date range counts as its one day)."""
    dates = tuple(st.session_state.get(DATES_KEY) or ())
    if not dates:
        first, last, _ = _bounds()
        return default_filters(first, last)
    return Filters(dates[0], dates[-1], tuple(sorted(st.session_state.get(STATES_KEY) or ())))


def header(title: str, filters: Filters | None = None) -> None:
    st.title(title)
    if filters is not None:
        st.caption(
            f"Orders placed {filters.start:%d/%m/%Y} – {filters.end:%d/%m/%Y} · "
            f"{', '.join(filters.states) if filters.states else 'all states'}"
        )


def nothing_matches(filters: Filters, what: str = "orders") -> None:
    """The empty state: a message instead of empty charts."""
    st.info(
        f"No {what} match the filters ({filters.describe()}). Widen the date range or choose other states.", icon="🔍"
    )


def chart(figure, where=None) -> None:
    """A Plotly figure across its container, without the toolbar that would cover its title."""
    (where or st).plotly_chart(figure, config=charts.CONFIG)


def money_columns(frame, columns: list[str]):
    """A display copy with the money columns as BRL text (the tables are sorted already)."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(fmt.brl)
    return shown


def md(text) -> str:
    """Data as literal Markdown text: no emphasis, links, LaTeX ($) or emoji shortcodes from the data."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))
