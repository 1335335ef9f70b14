"""Streamlit glue shared by the pages: configuration, cached data, the filter sidebar, messages.

Caching: `page_data` results are cached per (configuration, page, parameters, data version);
the data version is the DuckDB file's size and mtime, so a pipeline run shows up on the next
interaction, and the cache also expires after ten minutes (servers have no file to watch).
Filter state lives in `st.session_state` under the widget keys, kept alive on pages that do
not draw the filters, so a user's selection survives a visit to the profile page. It is also
written to the URL's query string on every run (see urlstate.py), and read back from it once per
session, on the first run: a bookmarked or shared URL opens the same view.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable

import streamlit as st

from dashboard import charts, data, fmt, queries, urlstate
from dashboard.config import ConfigError, DashboardConfig, load_config
from dashboard.filters import Filters, default_filters
from dashboard.warehouse import WarehouseUnavailable, data_version

DATES_KEY, STATES_KEY = "filter_dates", "filter_states"
READ_FROM_URL_KEY = "url_read"  # the state keys already read from the URL in this session
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


def _bounds() -> tuple[datetime.date, datetime.date, list[str], Filters] | None:
    """The data's first and last purchase dates, its states, and the default filters; None
    when the warehouse has no orders yet."""
    result = fetch("filters", {})
    bounds = result["bounds"].iloc[0]
    if not bounds["orders"]:
        return None
    first, last = _as_date(bounds["first_date"]), _as_date(bounds["last_date"])
    monthly = {
        _as_date(m): int(n) for m, n in zip(result["monthly_orders"]["month"], result["monthly_orders"]["orders"])
    }
    return first, last, [s for s in result["states"]["state"].tolist() if s], default_filters(first, last, monthly)


def _as_date(value) -> datetime.date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def sidebar(uses_filters: bool, own_params: tuple[str, ...] = ()) -> None:
    """The filters (on pages that use them) and what the dashboard is reading; the URL keeps the
    filters (on those pages) and the page's own parameters, nothing else."""
    for key in (DATES_KEY, STATES_KEY):  # keep the selection while a page without filters is shown
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    cfg = config()
    found = _bounds()
    if found is None:  # a page without the filters (Pipeline health: why is there nothing?) still shows
        st.sidebar.caption(f"{cfg.describe()}; no orders yet.")
        if uses_filters:
            st.info("The warehouse has no orders yet: run the pipeline (`make run`).")
            st.stop()
        return
    first, last, states, default = found
    if _first_read("filters"):
        _filters_from_url(first, last, states, default)
    keep = set(own_params) | (set(urlstate.FILTER_PARAMS) if uses_filters else set())
    for param in [p for p in st.query_params if p not in keep]:
        del st.query_params[param]
    if uses_filters:
        _filter_widgets(first, last, states, default)
        chosen = current_filters()
        to_url(urlstate.FROM, urlstate.encode_date(chosen.start))
        to_url(urlstate.TO, urlstate.encode_date(chosen.end))
        to_url(urlstate.STATES, urlstate.encode_states(chosen.states))
    else:
        st.sidebar.caption("The date and state filters do not apply to this page.")
    st.sidebar.caption(f"{cfg.describe()}; data from {first:%d/%m/%Y} to {last:%d/%m/%Y}.")


def _first_read(key: str) -> bool:
    """True once per session and key: when the URL's value for it is to be read."""
    done = st.session_state.setdefault(READ_FROM_URL_KEY, set())
    if key in done:
        return False
    done.add(key)
    return True


def _filters_from_url(first: datetime.date, last: datetime.date, states: list[str], default: Filters) -> None:
    params = st.query_params
    if urlstate.FROM in params or urlstate.TO in params:
        start, end = params.get(urlstate.FROM), params.get(urlstate.TO)
        dates = urlstate.parse_date_range(start, end, first, last, (default.start, default.end))
        if dates is None:
            _ignored(f"from={start} to={end}", f"not a date range within {first:%d/%m/%Y} – {last:%d/%m/%Y}")
        else:
            st.session_state[DATES_KEY] = dates
    if urlstate.STATES in params:
        chosen, unknown = urlstate.parse_states(params[urlstate.STATES], states)
        st.session_state[STATES_KEY] = list(chosen)
        if unknown:
            _ignored(f"states={', '.join(unknown)}", "no customer lives there")


def from_url(key: str, param: str, parse: Callable[[str], object]) -> None:
    """Once per session, before the page draws widget `key`: start it from the URL's `param` when
    `parse` accepts it (a refused value leaves the widget's default, with a note)."""
    if not _first_read(key) or param not in st.query_params:
        return
    value = parse(st.query_params[param])
    if value is None:
        _ignored(f"{param}={st.query_params[param]}", "not a valid value")
    else:
        st.session_state[key] = value


def to_url(param: str, value: str | None) -> None:
    """The URL's `param` set to `value` (removed for None), touched only when it changes."""
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def _ignored(what: str, why: str) -> None:
    st.toast(f"Ignored {what} in the URL: {why}. Showing the default.", icon="⚠️")


def _filter_widgets(first: datetime.date, last: datetime.date, states: list[str], default: Filters) -> None:
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
        "same length just before it. By default the last twelve months with regular orders (the "
        "near-empty months at the start and end of the data are left out).",
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
        found = _bounds()
        if found is None:
            st.info("The warehouse has no orders yet: run the pipeline (`make run`).")
            st.stop()
        return found[3]
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
