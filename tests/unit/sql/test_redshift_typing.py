"""Lint infers the SELECT's types by Redshift's rules, including where sqlglot's differ."""

from __future__ import annotations

import pytest
import sqlglot

from framework.sql import SOURCE_DIALECT
from framework.sql.functions import catalogue
from framework.sql.schema import annotated

SCHEMA = {"t": {"i": "INT", "b": "BIGINT", "d": "DECIMAL(10,2)", "f": "DOUBLE PRECISION", "day": "DATE"}}


@pytest.mark.parametrize(
    "expression, redshift_type",
    [
        ("AVG(i)", "BIGINT"),  # AWS "AVG function": BIGINT for SMALLINT/INTEGER/BIGINT arguments
        ("AVG(b)", "BIGINT"),
        ("AVG(d)", "DECIMAL(10, 2)"),
        ("AVG(f)", "DOUBLE PRECISION"),
        ("i / b", "BIGINT"),  # integer division
        ("SUM(i)", "BIGINT"),
        ("day - CAST('2024-01-01' AS DATE)", "INTEGER"),  # AWS "Datetime operators": the days between
        ("day - 1", "DATE"),
    ],
)
def test_types_follow_redshift(expression, redshift_type):
    query = sqlglot.parse_one(f"SELECT {expression} AS x FROM t", read=SOURCE_DIALECT)
    typed = annotated(query, SCHEMA)
    assert typed is not None
    assert typed.selects[0].type.sql(SOURCE_DIALECT) == redshift_type


def test_the_catalogue_is_well_formed():
    functions = catalogue()
    assert len(functions) > 150
    assert all(f.page and f.returns for f in functions.values())
    assert functions["DATEDIFF"].accepts(3) and not functions["DATEDIFF"].accepts(2)
    assert functions["COALESCE"].accepts(7) and not functions["COALESCE"].accepts(0)
    assert "MAKE_DATE" not in functions and "READ_TEXT" not in functions
