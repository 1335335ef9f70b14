"""framework.sql.surface: every name the issue lists is refused wherever it is written, typed by
sqlglot or not, and ordinary Redshift SQL is not."""

from __future__ import annotations

import pytest
import sqlglot

from framework.sql import SOURCE_DIALECT
from framework.sql.surface import UNSAFE_FUNCTIONS, Outside, outside_reads, unsafe_function

LISTED = (
    "read_text read_blob read_csv read_csv_auto read_json read_parquet pg_read_file pg_read_binary_file "
    "pg_ls_dir pg_stat_file lo_import lo_export dblink current_setting set_config pg_sleep getenv query "
    "query_table http_get"
).split()


def reads(sql: str) -> list[tuple[Outside, str]]:
    return [(r.kind, r.name) for r in outside_reads(sqlglot.parse_one(sql, read=SOURCE_DIALECT), sql, ["orders"])]


@pytest.mark.parametrize("name", LISTED)
def test_every_listed_function_is_refused_as_a_call_and_in_from(name):
    assert name in UNSAFE_FUNCTIONS
    assert reads(f"SELECT {name}('x') AS v FROM orders") == [(Outside.UNSAFE_FUNCTION, name)]
    assert reads(f"SELECT 1 AS v FROM {name.upper()}('x')") == [(Outside.TABLE_FUNCTION, name)]


def test_the_written_name_of_a_typed_call_and_of_a_schema_qualified_one():
    """sqlglot parses read_csv into ReadCSV; the name comes back from the text."""
    assert reads("SELECT read_parquet('a') AS a, pg_catalog.pg_read_file('b') AS b") == [
        (Outside.UNSAFE_FUNCTION, "read_parquet"),
        (Outside.UNSAFE_FUNCTION, "pg_read_file"),
    ]


def test_families_by_prefix_and_suffix():
    assert (
        unsafe_function("read_ndjson_objects")
        and unsafe_function("postgres_scan")
        and unsafe_function("DUCKDB_SETTINGS")
    )
    assert unsafe_function("lower") is None and unsafe_function("date_trunc") is None


def test_qualified_tables_and_table_functions():
    assert reads("SELECT 1 FROM staging.orders JOIN elt.file_ledger ON TRUE, generate_series(1, 2)") == [
        (Outside.QUALIFIED_TABLE, "staging.orders"),
        (Outside.QUALIFIED_TABLE, "elt.file_ledger"),
        (Outside.TABLE_FUNCTION, "generate_series"),
    ]


def test_ordinary_redshift_sql_reads_nothing_outside():
    sql = (
        "WITH t AS (SELECT id, LOWER(name) AS n, DATEADD(day, 1, ts) AS d FROM orders) "
        "SELECT n, COUNT(*) AS c, MAX(d) AS m FROM t WHERE n LIKE 'a%' GROUP BY n"
    )
    assert reads(sql) == []
