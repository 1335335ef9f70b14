"""The query layer without a warehouse: every query renders for DuckDB, PostgreSQL and Redshift,
values are bound and never spliced, list filters expand or vanish, and the helpers format
figures the Brazilian way."""

from __future__ import annotations

import ast
import datetime
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot

from dashboard import fmt, health, queries
from dashboard.config import ConfigError, load_config
from dashboard.filters import Filters, default_filters
from dashboard.sql import Query, QueryError, render
from tests.conftest import OLIST

SCHEMAS = {"dimension": "dwh", "fact": "dwh", "mart": "mart", "internal": "elt", "staging": "staging"}
MARKER = "8d50f5eadf50201ccdcedfb9e2ac8455"  # a value that must never reach the SQL text
PARAMS = {
    "start": datetime.date(2018, 1, 1),
    "end": datetime.date(2018, 1, 31),
    "prev_start": datetime.date(2017, 12, 1),
    "prev_end": datetime.date(2017, 12, 31),
    "states": ("SP", "RJ"),
    "customer": MARKER,
    "id_prefix": MARKER + "%",
    "limit": 20,
    "pipeline": "olist",
}
LAST = datetime.date(2018, 10, 17)  # the sample's last purchase date
PLACEHOLDER = {"duckdb": "$", "postgres": "%(", "redshift": "%("}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "redshift"])
@pytest.mark.parametrize("query", queries.ALL, ids=lambda q: q.name)
def test_every_query_renders_for_every_dialect_with_bound_values(query, dialect):
    rendered = render(query, dialect, SCHEMAS, PARAMS)
    assert MARKER not in rendered.sql and "'SP'" not in rendered.sql
    assert set(rendered.params) <= set(PARAMS) | {"states_0", "states_1"}
    for name in rendered.params:
        assert PLACEHOLDER[dialect] + name in rendered.sql
    sqlglot.parse_one(rendered.sql.replace("%(", ":").replace(")s", ""), read=dialect)  # well-formed
    assert " FROM dim_" not in rendered.sql and " FROM fact_" not in rendered.sql  # every table qualified


@pytest.mark.parametrize("query", queries.ALL, ids=lambda q: q.name)
def test_query_text_keeps_the_portability_rules(query):
    assert "%" not in query.sql, "psycopg's pyformat would read % as a placeholder"
    assert "FILTER" not in query.sql.upper(), "Redshift has no aggregate FILTER clause"
    assert query.doc, "each query says what it is for"


def test_a_list_filter_expands_to_one_placeholder_per_value():
    rendered = render(queries.TRENDS_DAILY, "duckdb", SCHEMAS, {**PARAMS, "states": ("SP", "RJ", "MG")})
    assert "state IN ($states_0, $states_1, $states_2)" in rendered.sql
    assert [rendered.params[f"states_{i}"] for i in range(3)] == ["MG", "RJ", "SP"]


def test_an_empty_list_filter_drops_its_whole_condition_and_nothing_else():
    rendered = render(queries.TRENDS_DAILY, "duckdb", SCHEMAS, {**PARAMS, "states": ()})
    assert "o.date_key BETWEEN $start AND $end AND TRUE" in rendered.sql and "state" not in rendered.sql
    assert set(rendered.params) == {"start", "end"}
    rendered = render(queries.TOP_PRODUCTS, "duckdb", SCHEMAS, {**PARAMS, "states": ()})
    assert "fact_orders" not in rendered.sql, "the semi-join is gone, not just its inner condition"
    assert "i.date_key BETWEEN $start AND $end AND TRUE" in rendered.sql
    joined = Query(
        "q",
        "SELECT c.city FROM fact_orders AS o JOIN dim_customer AS c ON c.customer_sk = o.customer_sk "
        "WHERE o.date_key >= :start AND c.state IN (:states)",
    )
    rendered = render(joined, "duckdb", SCHEMAS, {**PARAMS, "states": ()})
    assert "JOIN dwh.dim_customer" in rendered.sql and "state IN" not in rendered.sql


def test_no_query_text_is_assembled_with_fstrings():
    """Project rule: SQL is never built with f-strings; each query is one constant text."""
    tree = ast.parse(Path(queries.__file__).read_text())
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
    fragments = [name for name, value in vars(queries).items() if name.isupper() and isinstance(value, str)]
    assert fragments == [], "no SQL fragments pasted into several texts"


def test_state_and_category_questions_read_the_facts_own_columns():
    """fact_orders carries customer_state and customer_unique_id, fact_order_items category_name: no page
    query joins ~1 M fact rows to a dimension on the hash keys for them."""
    for query in queries.ALL:
        text = " ".join(query.sql.split())
        assert "JOIN dim_customer" not in text or query.name.startswith("profile_"), query.name
        assert "JOIN dim_product AS p ON p.product_sk = i.product_sk" not in text, query.name


def test_rendering_refuses_mistakes():
    with pytest.raises(QueryError, match="no value for parameter :end"):
        render(queries.TRENDS_DAILY, "duckdb", SCHEMAS, {"start": 1, "states": ()})
    with pytest.raises(QueryError, match="unknown table 'orders'"):
        render(Query("q", "SELECT * FROM orders"), "duckdb", SCHEMAS, {})
    with pytest.raises(QueryError, match="must appear as"):
        render(Query("q", "SELECT * FROM fact_orders WHERE :states = state"), "duckdb", SCHEMAS, {"states": ()})


def test_ctes_are_not_qualified():
    rendered = render(queries.CATEGORY_MONTHLY, "redshift", SCHEMAS, PARAMS)
    assert "FROM items WHERE" in rendered.sql and "FROM category_orders GROUP BY" in rendered.sql
    assert "dwh.fact_order_items" in rendered.sql and "dwh.items" not in rendered.sql


def test_query_layer_imports_nothing_heavy():
    code = (
        "import sys; import dashboard.data, dashboard.queries, dashboard.config, dashboard.warehouse, "
        "dashboard.kpis, dashboard.health; "
        "print(sorted(m for m in ('sqlglot', 'duckdb', 'pandas', 'streamlit', 'psycopg', 'redshift_connector') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_money_and_numbers_are_formatted_the_brazilian_way():
    assert fmt.brl(1093264.35) == "R$ 1.093.264,35"
    assert fmt.brl(-12) == "-R$ 12,00"
    assert fmt.brl(None) == fmt.DASH and fmt.brl(float("nan")) == fmt.DASH
    assert fmt.number(8135) == "8.135" and fmt.number(4.5678, 2) == "4,57"
    assert fmt.percent(0.9341) == "93,4 %"
    assert fmt.relative_delta(110, 100) == "+10,0 %" and fmt.relative_delta(90, 100) == "-10,0 %"
    assert fmt.relative_delta(5, 0) is None and fmt.relative_delta(None, 3) is None
    assert fmt.point_delta(0.95, 0.9, "pp", 100, 1) == "+5,0 pp" and fmt.point_delta(3.1, 3.25) == "-0,15"


def test_previous_period_has_the_same_length_just_before():
    filters = Filters(datetime.date(2018, 3, 1), datetime.date(2018, 3, 31), ("SP",))
    assert filters.previous == (datetime.date(2018, 1, 29), datetime.date(2018, 2, 28))
    assert filters.params()["states"] == ("SP",)
    assert default_filters(datetime.date(2016, 9, 4), datetime.date(2018, 10, 17)) == Filters(
        datetime.date(2017, 10, 18), datetime.date(2018, 10, 17)
    )
    assert default_filters(datetime.date(2018, 9, 1), datetime.date(2018, 10, 17)).start == datetime.date(2018, 9, 1)


def test_freshness_status_follows_the_source_specs():
    thresholds = health.freshness_thresholds(str(OLIST))
    assert thresholds["orders"] == ("26h", "50h") and thresholds["geolocation"] == (None, None)
    hours = lambda n: datetime.timedelta(hours=n)  # noqa: E731
    assert [health.status(hours(n), "26h", "50h") for n in (1, 27, 51)] == ["ok", "warn", "error"]
    assert health.status(None, "26h", "50h") == "never loaded"
    assert health.status(hours(1000), None, None) == "no threshold"
    assert health.age_text(datetime.timedelta(minutes=5)) == "5 min"
    assert health.age_text(hours(50)) == "2 d 2 h"


def test_configuration_comes_from_the_pipeline_target(tmp_path):
    config = load_config({"ELT_DASHBOARD_PIPELINE": str(OLIST)})
    assert (config.target, config.kind, config.dialect) == ("local", "duckdb", "duckdb")
    assert config.database_path.endswith("warehouse/olist.duckdb")
    assert dict(config.schemas)["mart"] == "mart"
    prod = load_config({"ELT_DASHBOARD_PIPELINE": str(OLIST), "ELT_DASHBOARD_TARGET": "prod"})
    assert (prod.kind, prod.dialect, prod.settings.workgroup) == ("redshift", "redshift", "olist-prod")
    with pytest.raises(ConfigError, match="unknown target 'nope'"):
        load_config({"ELT_DASHBOARD_PIPELINE": str(OLIST), "ELT_DASHBOARD_TARGET": "nope"})
    with pytest.raises(ConfigError, match="no pipeline"):
        load_config({"ELT_DASHBOARD_PIPELINE": str(tmp_path)})


SAMPLE_MONTHS = {  # orders per month on the bundled sample (no orders in 11-12/2016)
    datetime.date(2016, 9, 1): 3,
    datetime.date(2016, 10, 1): 69,
    **{
        datetime.date(2017, m, 1): n
        for m, n in enumerate([90, 220, 268, 206, 327, 262, 354, 381, 349, 387, 674, 459], 1)
    },
    **{datetime.date(2018, m, 1): n for m, n in enumerate([580, 537, 599, 527, 475, 385, 474, 489, 16, 4], 1)},
}


@pytest.mark.parametrize(
    "months, expected",
    [
        # the sample: 09/2018 (16) and 10/2018 (4) are under 10 % of the median month (367.5): left
        # out; regular months run unbroken from 01/2017 (none in 11-12/2016), so ten months are
        # compared with the ten before (adversarial round 39: twelve compared with a year that
        # began with the 3-order stub and two empty months, "+191,6 % revenue")
        (SAMPLE_MONTHS, (datetime.date(2017, 11, 1), datetime.date(2018, 8, 31))),
        # a short history: the comparison is the substantial month before, not a 3-order stub
        (
            {datetime.date(2016, 9, 1): 3, datetime.date(2016, 10, 1): 300, datetime.date(2016, 11, 1): 280},
            (datetime.date(2016, 11, 1), datetime.date(2016, 11, 30)),
        ),
        # the last month is substantial though partial: the window ends on the data's last day
        ({datetime.date(2018, 9, 1): 500, datetime.date(2018, 10, 1): 300}, (datetime.date(2018, 10, 1), LAST)),
        # one regular month: that month
        ({datetime.date(2018, 10, 1): 300}, (datetime.date(2018, 10, 1), LAST)),
        # a long history: twelve months
        (
            {datetime.date(2015 + m // 12, m % 12 + 1, 1): 100 for m in range(40)},
            (datetime.date(2017, 5, 1), datetime.date(2018, 4, 30)),
        ),
        # no counts (an empty warehouse): the last 365 days
        ({}, (datetime.date(2017, 10, 18), LAST)),
    ],
)
def test_the_default_window_leaves_out_near_empty_months_at_both_ends(months, expected):
    chosen = default_filters(datetime.date(2016, 9, 4), LAST, months)
    assert (chosen.start, chosen.end, chosen.states) == (*expected, ())


def test_url_values_are_validated_never_raised():
    from dashboard import urlstate

    first, last = datetime.date(2016, 9, 4), LAST
    default = (datetime.date(2017, 9, 1), datetime.date(2018, 8, 31))
    assert urlstate.parse_date_range("2018-01-01", "2018-03-31", first, last, default) == (
        datetime.date(2018, 1, 1),
        datetime.date(2018, 3, 31),
    )
    assert urlstate.parse_date_range("2018-01-01", None, first, last, default) == (
        datetime.date(2018, 1, 1),
        default[1],
    )
    for start, end in [("2018-13-01", "2018-03-31"), ("2018-03-31", "2018-01-01"), ("2016-01-01", None), ("", "")]:
        assert urlstate.parse_date_range(start, end, first, last, default) is None, (start, end)
    assert urlstate.parse_states(" rj,SP,xx,", ["RJ", "SP"]) == (("RJ", "SP"), ("XX",))
    assert urlstate.encode_states(["SP", "RJ"]) == "RJ,SP" and urlstate.encode_states([]) is None
    assert urlstate.parse_choice("MONTHLY", ["Daily", "Monthly"]) == "Monthly"
    assert urlstate.parse_choice("yearly", ["Daily"]) is None
    assert urlstate.parse_int("5", 1, 200) == 5 and urlstate.parse_int("0", 1, 200) is None
    assert urlstate.parse_int("5x", 1, 200) is None
    assert urlstate.parse_hex_prefix("8D50F5") == "8d50f5" and urlstate.parse_hex_prefix("zz") is None
    assert urlstate.parse_hex_prefix("a" * 33) is None


def test_labels_are_readable_and_unique_per_code():
    from dashboard import labels

    assert labels.segment("at_risk") == "At risk" and labels.segment("never_delivered") == "Never delivered"
    assert labels.category("health_beauty") == "Health & beauty"
    assert labels.category("bed_bath_table") == "Bed, bath & table"
    assert labels.category("cool_stuff") == "Cool stuff" and labels.readable("credit_card") == "Credit card"
    assert labels.category(None) is None
    mapped = list(labels.CATEGORIES.values()) + list(labels.SEGMENTS.values())
    assert len(set(mapped)) == len(mapped), "a label stands for one code"
