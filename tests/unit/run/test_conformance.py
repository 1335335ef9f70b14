"""A lake file's values against the spec a run loads them under (framework/run/conformance.py):
a value that would not load as a fresh ingest under that spec would stage it is named, with its
row — never changed in silence (adversarial round 48)."""

from __future__ import annotations

import datetime
import decimal

import pyarrow as pa
import pytest

from framework.run.conformance import _first_unfit
from framework.spec import model as m
from framework.spec.types import parse_type


def column(type_text: str, nullable: bool = True) -> m.Column:
    return m.Column("c", type_text, parse_type(type_text), nullable)


UTC = datetime.UTC


@pytest.mark.parametrize(
    ("values", "declared", "row", "said"),
    [
        # typed values retyped to a string: the landing text ('007', '12.3', 'yes') is not in the lake
        (pa.array([None, 7], pa.int32()), "string", 2, "7 (a int32 value: the lake keeps values"),
        (pa.array([decimal.Decimal("12.30")], pa.decimal128(10, 2)), "string(20)", 1, "12.30 (a decimal128(10, 2)"),
        (pa.array([True], pa.bool_()), "string", 1, "True (a bool value"),
        (pa.array([datetime.date(2024, 1, 2)], pa.date32()), "string", 1, "2024-01-02 (a date32[day] value"),
        # an instant made a local time or a day: its offset would be dropped
        (
            pa.array([datetime.datetime(2024, 1, 2, 9, 30, tzinfo=UTC)], pa.timestamp("us", "UTC")),
            "timestamp",
            1,
            "2024-01-02 09:30:00+00:00 (an instant with a UTC offset, which timestamp would drop)",
        ),
        (
            pa.array([datetime.datetime(2024, 1, 2, tzinfo=UTC)], pa.timestamp("us", "UTC")),
            "date",
            1,
            "an instant with a UTC offset, which date would drop",
        ),
        # fewer digits before the point: the scale alone was checked before
        (
            pa.array([decimal.Decimal("1.00"), decimal.Decimal("99999999.99")], pa.decimal128(10, 2)),
            "decimal(8,2)",
            2,
            "Decimal('99999999.99'), more digits before the point than decimal(8,2) holds",
        ),
        (
            pa.array([decimal.Decimal("-100.00")], pa.decimal128(10, 2)),
            "decimal(4,2)",
            1,
            "more digits before the point than decimal(4,2) holds",
        ),
        # both narrowed at once: each is told (the digits check alone let 12.34 round to 12.3)
        (
            pa.array([decimal.Decimal("1.50"), decimal.Decimal("12.34")], pa.decimal128(10, 2)),
            "decimal(8,1)",
            2,
            "Decimal('12.34'), a value decimal(8,1) cannot hold unchanged",
        ),
        # round 51: an integer under a decimal is checked by value, the one at fault named
        (pa.array([7, 12, 2147483647], pa.int32()), "decimal(10,2)", 3, "2147483647, more digits before the point"),
        # round 51: a boolean's delivered text ('yes', 'f') is not in the lake
        (pa.array([True, False], pa.bool_()), "integer", 1, "True (a boolean: the lake keeps true or false"),
        (pa.array([None, False], pa.bool_()), "double", 2, "False (a boolean"),
        # round 51: a cast the warehouse refuses by type, named instead of its raw error
        (pa.array([7], pa.int32()), "date", 1, "a value of type int32, which the warehouse cannot convert to date"),
        (pa.array([None], pa.int64()), "timestamp", 1, "only NULL of type int64, which the warehouse cannot convert"),
        (pa.array([datetime.date(2024, 1, 2)], pa.date32()), "integer", 1, "cannot convert to integer"),
    ],
)
def test_a_value_that_would_not_load_as_ingested_is_named_with_its_row(values, declared, row, said):
    found = _first_unfit(values, column(declared))
    assert found is not None and found[0] == row and said in found[1], found


@pytest.mark.parametrize(
    ("values", "declared"),
    [
        (pa.array(["007", None], pa.string()), "string(3)"),  # text stays text
        (pa.array([decimal.Decimal("999999.99"), None], pa.decimal128(10, 2)), "decimal(8,2)"),  # fits
        (pa.array([decimal.Decimal("-99.99")], pa.decimal128(10, 2)), "decimal(4,2)"),
        (pa.array([datetime.datetime(2024, 1, 2, 9, 30)], pa.timestamp("us")), "timestamptz"),  # widened
        (pa.array([None, None], pa.int32()), "string"),  # no value to change
        (pa.array([7, -12, None], pa.int32()), "decimal(10,2)"),  # Arrow's cast refuses int32 → (10,2) by type
        (pa.array([99_999_999], pa.int64()), "decimal(10,2)"),
        (pa.array([decimal.Decimal("12.30")], pa.decimal128(10, 2)), "decimal(8,1)"),
    ],
)
def test_values_that_load_unchanged_pass(values, declared):
    assert _first_unfit(values, column(declared)) is None
