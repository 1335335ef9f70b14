"""Portable types: string(n) — a declared length that ingest enforces and each warehouse sizes
its column by (Redshift counts bytes, PostgreSQL characters, DuckDB ignores lengths)."""

from __future__ import annotations

import pytest

from framework.spec.types import PortableType, TypeParseError, parse_type
from framework.sql.dialects import get_dialect


def test_string_with_a_length_parses_and_prints_back():
    assert parse_type("string(32)") == PortableType("string", length=32)
    assert parse_type(" String( 2 ) ") == PortableType("string", length=2)
    assert str(parse_type("string(32)")) == "string(32)" and str(parse_type("string")) == "string"
    assert parse_type("string(32)").compatible_with(parse_type("string"))  # a key may reference either


@pytest.mark.parametrize("text", ["string(0)", "string(65536)"])
def test_a_string_length_out_of_range_is_refused(text):
    with pytest.raises(TypeParseError, match="out of range 1..65535"):
        parse_type(text)


def test_varchar_is_pointed_at_string_n():
    with pytest.raises(TypeParseError) as refused:
        parse_type("varchar(10)")
    assert "string(n)" in refused.value.hint


@pytest.mark.parametrize(
    "target, string, sized, huge",
    [
        ("redshift", "VARCHAR(65535)", "VARCHAR(128)", "VARCHAR(65535)"),  # bytes: 4 per UTF-8 character, capped
        ("postgres", "VARCHAR", "VARCHAR(32)", "VARCHAR(20000)"),
        ("duckdb", "TEXT", "TEXT", "TEXT"),
    ],
)
def test_each_warehouse_sizes_string_n_its_own_way(target, string, sized, huge):
    dialect = get_dialect(target)

    def spelled(text):
        return dialect.column_type(parse_type(text)).sql(dialect.sqlglot_dialect)

    assert (spelled("string"), spelled("string(32)"), spelled("string(20000)")) == (string, sized, huge)
