"""The Streamlit app in-process (AppTest) on the warehouse built from the bundled sample: every
page renders, the Overview's KPIs equal figures computed here with plain SQL, the filters move
them as they should, and empty or unreadable warehouses give messages, not tracebacks."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from tests.integration.dashboard.conftest import APP, expected_overview, query

PAGES = [
    "views/overview.py",
    "views/trends.py",
    "views/products.py",
    "views/customers.py",
    "views/profile.py",
    "views/delivery.py",
    "views/health.py",
]
LAST_DAY = datetime.date(2018, 10, 17)  # the sample's last purchase date
# the default window: ten months with regular orders (09/2018 has 16 orders, 10/2018 4), compared with
# the ten before (regular months run unbroken from 01/2017 on the sample)
DEFAULT_START, DEFAULT_END = datetime.date(2017, 11, 1), datetime.date(2018, 8, 31)


def run_app(page: str | None = None, **query_params) -> AppTest:
    """The app opened at `page`'s URL (the Overview's by default) with `query_params`, as a browser
    opens a link: the page is the first one the session runs (every page's url_path is its file
    name, so the file name finds it before st.navigation has run)."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(query_params)
    if page:
        app.switch_page(page)
    return app.run()


def metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in app.metric}


def overview_strings(kpis: dict) -> dict[str, str]:
    return {
        "Revenue": fmt.brl(kpis["revenue"]),
        "Orders": fmt.number(kpis["orders"]),
        "Average ticket": fmt.brl(kpis["avg_ticket"]),
        "Customers": fmt.number(kpis["customers"]),
        "On-time delivery": fmt.percent(kpis["on_time"]),
        "Average review score": fmt.number(kpis["avg_review"], 2),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exceptions(dashboard_env, page):
    app = run_app(page)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.title, "each page has a title"


def test_overview_kpis_equal_plain_sql_on_the_same_warehouse(dashboard_env):
    app = run_app()
    shown = metrics(app)
    expected = overview_strings(expected_overview(dashboard_env, DEFAULT_START, DEFAULT_END))
    assert {label: value for label, (value, _) in shown.items()} == expected
    previous = expected_overview(dashboard_env, datetime.date(2017, 1, 1), datetime.date(2017, 10, 31))
    current = expected_overview(dashboard_env, DEFAULT_START, DEFAULT_END)
    assert shown["Revenue"][1] == fmt.relative_delta(current["revenue"], previous["revenue"])
    assert shown["Orders"][1] == fmt.relative_delta(current["orders"], previous["orders"])
    assert shown["On-time delivery"][1] == fmt.point_delta(current["on_time"], previous["on_time"], "pp", 100, 1)
    # and the figure a reader can check by eye: the default period's revenue on the sample
    assert shown["Revenue"][0] == "R$ 715.701,18"


def test_filters_change_the_numbers_as_they_should(dashboard_env):
    app = run_app()
    unfiltered = metrics(app)
    app.sidebar.multiselect(key="filter_states").set_value(["SP", "RJ"]).run()
    by_state = metrics(app)
    expected = overview_strings(expected_overview(dashboard_env, DEFAULT_START, DEFAULT_END, ("RJ", "SP")))
    assert {label: value for label, (value, _) in by_state.items()} == expected
    assert by_state["Orders"][0] != unfiltered["Orders"][0]

    start, end = datetime.date(2018, 1, 1), datetime.date(2018, 3, 31)
    app.sidebar.date_input(key="filter_dates").set_value((start, end)).run()
    expected = overview_strings(expected_overview(dashboard_env, start, end, ("RJ", "SP")))
    assert {label: value for label, (value, _) in metrics(app).items()} == expected
    assert "31/03/2018" in app.caption[0].value and "RJ, SP" in app.caption[0].value

    app.switch_page("views/trends.py").run()  # the filters follow the user to the other pages
    revenue = query(
        dashboard_env,
        """
        SELECT SUM(o.items_total) FROM dwh.fact_orders o JOIN dwh.dim_customer c USING (customer_sk)
        WHERE o.date_key BETWEEN ? AND ? AND c.state IN ('RJ', 'SP')""",
        [start, end],
    )[0][0]
    assert metrics(app)["Revenue"][0] == fmt.brl(revenue)

    app.switch_page("views/profile.py").run()  # a page without filters keeps the selection
    app.switch_page("views/overview.py").run()
    assert {label: value for label, (value, _) in metrics(app).items()} == expected


@pytest.mark.parametrize("states", [(), ("RJ", "SP")])
def test_category_figures_equal_plain_sql_over_items_and_their_orders(dashboard_env, states):
    """category_monthly counts each order once per category (only multi-item orders are grouped per
    order) and cuts both facts to the period: the plain definition, through the dimensions, agrees."""
    from dashboard import data, queries
    from dashboard.config import load_config

    config = load_config(
        {"ELT_DASHBOARD_PIPELINE": str(dashboard_env.pipeline), "ELT_DASHBOARD_WAREHOUSE": str(dashboard_env.warehouse)}
    )
    start, end = datetime.date(2017, 3, 15), LAST_DAY
    got = data.fetch(config, (queries.CATEGORY_MONTHLY,), {"start": start, "end": end, "states": states})
    shown = sorted(
        (
            r.category_name,
            r.month.date(),
            int(r.items),
            round(float(r.revenue), 2),
            int(r.orders),
            int(r.reviewed_orders),
            0 if r.review_points != r.review_points else int(r.review_points),
        )
        for r in got["category_monthly"].itertuples()
    )
    expected = query(
        dashboard_env,
        """
        WITH items AS (
            SELECT p.category_name, CAST(DATE_TRUNC('month', i.date_key) AS DATE) AS month, i.order_id, i.price
            FROM dwh.fact_order_items i
            JOIN dwh.dim_product p USING (product_sk)
            JOIN dwh.dim_customer c USING (customer_sk)
            WHERE i.date_key BETWEEN ? AND ? AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], c.state))),
        category_orders AS (SELECT DISTINCT category_name, month, order_id FROM items)
        SELECT s.category_name, s.month, s.items, s.revenue, r.orders, r.reviewed, r.points
        FROM (SELECT category_name, month, COUNT(*) AS items, SUM(price) AS revenue FROM items GROUP BY 1, 2) s
        JOIN (SELECT category_name, month, COUNT(*) AS orders, COUNT(o.review_score) AS reviewed,
                     COALESCE(SUM(o.review_score), 0) AS points
              FROM category_orders JOIN dwh.fact_orders o USING (order_id) GROUP BY 1, 2) r USING (category_name, month)
        """,
        [start, end, list(states), list(states)],
    )
    assert shown == sorted((c, m, n, round(float(rev), 2), o, rv, pt) for c, m, n, rev, o, rv, pt in expected)
    assert any(n > o for _, _, n, _, o, _, _ in shown), "the sample has orders with several items of a category"


def test_queries_are_cached_per_filter_set(dashboard_env, monkeypatch):
    import streamlit as st

    from dashboard import data

    calls = []
    real_fetch = data.fetch
    monkeypatch.setattr(
        data, "fetch", lambda config, qs, params: calls.append(params) or real_fetch(config, qs, params)
    )
    st.cache_data.clear()
    app = run_app()
    first = len(calls)
    assert first == 2, "the filter bounds and the Overview's queries, once each"
    app.run()
    assert len(calls) == first, "same filters: served from the cache"
    app.sidebar.multiselect(key="filter_states").set_value(["MG"]).run()
    assert len(calls) == first + 1 and calls[-1]["states"] == ("MG",)
    app.sidebar.multiselect(key="filter_states").set_value([]).run()
    assert len(calls) == first + 1, "back to a filter set seen before"


def test_a_filter_that_matches_nothing_shows_a_message(dashboard_env):
    app = run_app()
    app.sidebar.multiselect(key="filter_states").set_value(["RR"]).run()
    day = datetime.date(2016, 9, 5)  # no order from Roraima on this day
    app.sidebar.date_input(key="filter_dates").set_value((day, day)).run()
    for page in PAGES:
        if page in ("views/profile.py", "views/health.py"):
            continue
        app.switch_page(page).run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert any("No " in i.value and "match the filters" in i.value for i in app.info), page


def test_top_customers_are_the_persons_of_the_period_ranked_by_delivered_spend(dashboard_env):
    app = run_app("views/customers.py")
    table = app.dataframe[0].value
    top = query(
        dashboard_env,
        """
        SELECT customer_unique_id, SUM(CASE WHEN order_status = 'delivered' THEN order_total ELSE 0 END) AS spent
        FROM dwh.fact_orders WHERE date_key BETWEEN ? AND ?
        GROUP BY 1 ORDER BY spent DESC, SUM(items_total) DESC, 1 LIMIT 5""",
        [DEFAULT_START, DEFAULT_END],
    )
    assert table["customer_unique_id"].head(5).tolist() == [r[0] for r in top]
    assert table["spent"].head(5).tolist() == [fmt.brl(r[1]) for r in top]
    assert set(table["segment"]) <= {"Champion", "Loyal", "New", "At risk", "Lost", "Never delivered"}
    wanted = top[2][0]
    app.text_input(key="customer_search").set_value(wanted[:10].upper()).run()
    assert app.dataframe[0].value["customer_unique_id"].tolist() == [wanted]
    app.text_input(key="customer_search").set_value("not-hex").run()
    assert app.warning and not app.exception


@pytest.mark.parametrize(
    "period, states, lifetime_differs",
    [
        ((DEFAULT_START, DEFAULT_END), (), False),
        ((datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)), ("RJ", "MG"), False),
        ((datetime.date(2018, 1, 1), datetime.date(2018, 3, 31)), ("SP",), True),  # issue 16: 665 vs 668
    ],
)
def test_top_customers_count_what_the_overview_counts_for_the_same_filter(
    dashboard_env, period, states, lifetime_differs
):
    """Customers and revenue on Top customers are the Overview's for the same period and states (a
    person who moved, or ordered before and after the period only, is not counted twice or wrongly)."""
    app = run_app()
    app.sidebar.date_input(key="filter_dates").set_value(period).run()
    app.sidebar.multiselect(key="filter_states").set_value(list(states)).run()
    overview = metrics(app)
    app.switch_page("views/customers.py").run()
    customers = metrics(app)
    assert not app.exception, [e.value for e in app.exception]
    expected = expected_overview(dashboard_env, *period, tuple(sorted(states)))
    assert customers["Customers"][0] == overview["Customers"][0] == fmt.number(expected["customers"])
    assert customers["Revenue"][0] == overview["Revenue"][0] == fmt.brl(expected["revenue"])
    spent = query(
        dashboard_env,
        f"""
        SELECT SUM(o.order_total) FROM dwh.fact_orders o JOIN dwh.dim_customer c USING (customer_sk)
        WHERE o.order_status = 'delivered' AND o.date_key BETWEEN ? AND ?
          {"AND c.state IN (" + ", ".join("?" * len(states)) + ")" if states else ""}""",
        [*period, *states],
    )[0][0]
    assert customers["Delivered spend"][0] == fmt.brl(spent)
    # the former definition (SCV rows whose first..last order window overlaps the period, current
    # address in the states) counts other persons on this filter: the test tells the two apart
    lifetime = query(
        dashboard_env,
        f"""
        SELECT COUNT(*) FROM mart.mart_customer_360
        WHERE CAST(first_order_ts AS DATE) <= ? AND CAST(last_order_ts AS DATE) >= ?
          {"AND state IN (" + ", ".join("?" * len(states)) + ")" if states else ""}""",
        [period[1], period[0], *states],
    )[0][0]
    assert (fmt.number(lifetime) != customers["Customers"][0]) == lifetime_differs


def test_profile_shows_the_scv_row_address_history_orders_and_reviews(dashboard_env):
    mover, versions = query(
        dashboard_env,
        """
        SELECT customer_unique_id, COUNT(*) FROM dwh.dim_customer GROUP BY 1 HAVING COUNT(*) > 1
        ORDER BY 1 LIMIT 1""",
    )[0]
    total_spent, orders = query(
        dashboard_env,
        """
        SELECT total_spent, orders_count FROM mart.mart_customer_360 WHERE customer_unique_id = ?""",
        [mover],
    )[0]
    app = run_app("views/profile.py", customer=mover)
    shown = metrics(app)
    assert shown["Total spent"][0] == fmt.brl(total_spent)
    assert shown["Orders"][0] == fmt.number(orders)
    addresses, order_table = app.dataframe[0].value, app.dataframe[1].value
    assert len(addresses) == versions and addresses["is_current"].sum() == 1
    assert addresses.loc[addresses["is_current"], "valid_to"].tolist() == ["current"]  # not "None"
    assert all(v[:2].isdigit() for v in addresses.loc[~addresses["is_current"], "valid_to"])
    assert len(order_table) == orders
    assert app.query_params["customer"] == [mover] or app.query_params["customer"] == mover

    app.text_input(key="profile_customer").set_value("0" * 32).run()
    assert any("No customer" in i.value for i in app.info) and not app.exception


def test_missing_warehouse_says_how_to_build_it(dashboard_env, monkeypatch, tmp_path):
    monkeypatch.setenv("ELT_DASHBOARD_WAREHOUSE", str(tmp_path / "none.duckdb"))
    app = run_app()
    assert not app.exception
    assert any("No warehouse at" in w.value and "make run" in w.value for w in app.warning)


def test_warehouse_locked_by_a_running_pipeline_gives_a_clear_message(dashboard_env, tmp_path):
    locked = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "c.execute('CREATE TABLE t (x INT)'); print('ready', flush=True); time.sleep(60)",
            str(locked),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ELT_DASHBOARD_WAREHOUSE", str(locked))
            app = run_app()
        assert not app.exception
        assert any("being written by another process" in w.value for w in app.warning), [w.value for w in app.warning]
    finally:
        holder.kill()
        holder.wait()


def test_the_overview_is_served_at_the_root_and_at_slash_overview(dashboard_env):
    """`/overview` used to open "Page not found": the default page is served at `/` only. (The real
    URL is loaded in test_browser.py; here, what st.navigation registered.)"""
    app = run_app()
    assert app.title[0].value == "Overview"
    registered = {info.get("url_pathname"): info for info in app._registered_pages.values()}
    assert Path(registered[""]["script_path"]).name == Path(registered["overview"]["script_path"]).name == "overview.py"
    assert {"trends", "products", "customers", "profile", "delivery", "health"} <= set(registered)
    app.switch_page("views/overview.py").run()  # the file resolves to the /overview page
    assert app.title[0].value == "Overview" and not app.exception


def test_the_url_holds_every_filter_and_a_shared_url_opens_the_same_view(dashboard_env):
    app = run_app("views/customers.py")
    assert app.query_params == {"from": "2017-11-01", "to": "2018-08-31"}, "the default window, all states"
    app.sidebar.date_input(key="filter_dates").set_value((datetime.date(2018, 1, 1), datetime.date(2018, 3, 31)))
    app.sidebar.multiselect(key="filter_states").set_value(["SP", "RJ"])
    app.text_input(key="customer_search").set_value("0").run()
    url = {"from": "2018-01-01", "to": "2018-03-31", "states": "RJ,SP", "q": "0"}
    assert app.query_params == url
    shown, table = metrics(app), app.dataframe[0].value

    shared = run_app("views/customers.py", **url)  # a new session opened on the bookmarked URL
    assert not shared.exception, [e.value for e in shared.exception]
    assert shared.sidebar.date_input(key="filter_dates").value == (
        datetime.date(2018, 1, 1),
        datetime.date(2018, 3, 31),
    )
    assert shared.sidebar.multiselect(key="filter_states").value == ["RJ", "SP"]
    assert shared.text_input(key="customer_search").value == "0"
    assert metrics(shared) == shown and shared.dataframe[0].value.equals(table)
    assert shared.query_params == url

    shared.switch_page("views/profile.py").run()  # a page keeps its own parameters only
    assert set(shared.query_params) <= {"customer"}
    shared.switch_page("views/trends.py").run()  # and the filters come back with a page that has them
    assert shared.query_params == {"from": "2018-01-01", "to": "2018-03-31", "states": "RJ,SP"}


@pytest.mark.parametrize(
    "page, key, param, value",
    [("views/trends.py", "trends_grain", "grain", "Monthly"), ("views/products.py", "min_reviews", "min_reviews", 5)],
)
def test_a_page_s_own_setting_round_trips_through_the_url(dashboard_env, page, key, param, value):
    app = run_app(page, **{param: str(value).lower()})
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[key] == value
    assert app.query_params[param] == str(value).lower()
    assert run_app(page).session_state[key] != value, "not the default: the test can tell"


def test_bad_url_values_fall_back_to_the_defaults_without_a_crash(dashboard_env):
    app = run_app("views/customers.py", **{"from": "2018-13-45", "to": "yesterday", "states": "sp,XX", "q": "zz!"})
    assert not app.exception and not app.error, [e.value for e in app.exception]
    assert app.sidebar.date_input(key="filter_dates").value == (DEFAULT_START, DEFAULT_END)
    assert app.sidebar.multiselect(key="filter_states").value == ["SP"]  # the known state kept
    assert app.text_input(key="customer_search").value == ""
    notes = " ".join(t.value for t in app.toast)
    assert "from=2018-13-45" in notes and "states=XX" in notes and "q=zz!" in notes
    assert app.query_params == {"from": "2017-11-01", "to": "2018-08-31", "states": "SP"}, "the URL is corrected"
    outside = run_app(**{"from": "2019-01-01", "to": "2019-02-01"})  # valid dates outside the data
    assert outside.sidebar.date_input(key="filter_dates").value == (DEFAULT_START, DEFAULT_END)
    reversed_range = run_app(**{"from": "2018-03-01", "to": "2018-01-01"})
    assert reversed_range.sidebar.date_input(key="filter_dates").value == (DEFAULT_START, DEFAULT_END)


def test_a_review_without_comment_says_so_instead_of_nan(dashboard_env):
    """A person with reviews with and without text: pandas holds the missing text as NaN (truthy)."""
    person = query(
        dashboard_env,
        """
        SELECT c.customer_unique_id FROM dwh.fact_reviews r JOIN dwh.dim_customer c USING (customer_sk)
        GROUP BY 1 HAVING COUNT(r.comment_message) BETWEEN 1 AND COUNT(*) - 1 ORDER BY 1 LIMIT 1""",
    )[0][0]
    app = run_app("views/profile.py", customer=person)
    texts = [t.value for t in app.text] + [m.value for m in app.markdown]
    assert "(no comment)" in texts
    assert not [t for t in texts if "nan" in t.replace("nance", "").split()], texts
    assert "**nan**" not in " ".join(texts)


def test_codes_read_as_words_where_they_are_not_identifiers(dashboard_env):
    app = run_app("views/products.py")
    categories = app.dataframe[0].value["category_name"].tolist()
    assert categories and not [c for c in categories if "_" in c], categories
    assert all(len(p) == 32 for p in app.dataframe[0].value["product_id"]), "ids stay raw"
    app = run_app("views/customers.py")
    assert set(app.dataframe[0].value["segment"]) & {"At risk", "New", "Never delivered"}
    assert not [c for c in app.dataframe[0].value["favourite_category"].dropna() if "_" in c]


def test_weekly_revenue_sums_monday_to_sunday_weeks(dashboard_env):
    """The weekly grain grouped Tuesday-to-Monday weeks (pandas' W-MON is weeks *ending* on
    Monday), each bar a day off, the first one starting before the filter (adversarial round 39)."""
    import pandas as pd

    start, end = datetime.date(2018, 1, 1), datetime.date(2018, 1, 31)  # 01/01/2018 is a Monday
    app = run_app("views/trends.py", **{"from": start.isoformat(), "to": end.isoformat()})
    table = app.dataframe[0].value
    starts = pd.to_datetime(table["period start"])
    assert starts.min().date() == start and all(day.weekday() == 0 for day in starts)
    orders = query(
        dashboard_env,
        "SELECT DATE_TRUNC('week', purchase_ts)::DATE AS week, COUNT(*) FROM dwh.fact_orders "
        "WHERE purchase_ts::DATE BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
        [start, end],
    )
    assert [(d.date(), int(n)) for d, n in zip(starts, table["orders"])] == [(w, n) for w, n in orders]


@pytest.mark.parametrize("page", [None, "views/health.py"])
def test_a_warehouse_without_the_pipelines_tables_says_so_without_a_traceback(
    dashboard_env, monkeypatch, tmp_path, page
):
    """A DuckDB file of another database (or a blank one) showed DuckDB's CatalogException with a
    Python traceback on every page (adversarial round 39)."""
    import duckdb

    blank = tmp_path / "blank.duckdb"
    duckdb.connect(str(blank)).close()
    monkeypatch.setenv("ELT_DASHBOARD_WAREHOUSE", str(blank))
    app = run_app(page)
    assert not app.exception, [e.value for e in app.exception]
    assert any(
        "lacks a table the dashboard reads" in w.value and "Run the pipeline first" in w.value for w in app.warning
    )


def test_pipeline_health_shows_the_run_log_of_a_warehouse_with_no_orders(dashboard_env, monkeypatch, tmp_path):
    """After a first run whose builds all failed, `fact_orders` is empty: the shared sidebar
    stopped every page with "no orders yet", Pipeline health too — the page that shows why
    (adversarial round 39)."""
    import shutil

    import duckdb

    copy = tmp_path / "failed.duckdb"
    shutil.copy(dashboard_env.warehouse, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute("DELETE FROM dwh.fact_orders")
        conn.execute(
            "UPDATE elt.run_log SET status = 'failed', error = 'not published: a check failed' WHERE step = 'build:fact_orders'"
        )
    monkeypatch.setenv("ELT_DASHBOARD_WAREHOUSE", str(copy))
    health = run_app("views/health.py")
    assert not health.exception and not any("no orders yet" in i.value for i in health.info)
    assert any("no orders yet" in c.value for c in health.sidebar.caption)
    shown = " ".join(str(frame.value.to_dict()) for frame in health.dataframe)
    assert "build:fact_orders" in shown and "not published: a check failed" in shown
    overview = run_app()
    assert any("no orders yet" in i.value for i in overview.info)
