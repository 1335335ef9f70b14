"""Date and time texts that DuckDB would cast but that would not load as written (adversarial
round 6, 7): a year outside 1 … 9999 (DuckDB reads `0000-01-01` as 1 BC and takes year 10000;
PostgreSQL's driver and Python cannot hand either over), a UTC offset in a `timestamp` column
and a time of day in a `date` column (each cast silently drops it). Ingest's row check names
the column, the value and the declaration that would hold it; what every target holds passes."""

from __future__ import annotations

import duckdb
import pytest

from framework.ingest.casting import RAW, reason
from framework.spec import model as m
from framework.spec.types import PortableType

COLUMNS = (
    m.Column("d", "date", PortableType("date")),
    m.Column("t", "timestamp", PortableType("timestamp")),
    m.Column("z", "timestamptz", PortableType("timestamptz")),
)


def _why(d: str | None = None, t: str | None = None, z: str | None = None) -> str | None:
    with duckdb.connect() as conn:
        conn.execute("SET TimeZone = 'UTC'")  # as ingest's session
        conn.execute(f"CREATE TABLE {RAW} (d VARCHAR, t VARCHAR, z VARCHAR)")
        conn.execute(f"INSERT INTO {RAW} VALUES (?, ?, ?)", [d, t, z])
        return conn.execute(f"SELECT {reason(COLUMNS).sql('duckdb')} FROM {RAW}").fetchone()[0]


@pytest.mark.parametrize(
    "values",
    [
        {"d": "2024-01-02", "t": "2024-01-02 10:00:00", "z": "2024-01-02T10:00:00+05:30"},
        {"d": "2024-01-02 00:00:00", "t": "2024-01-02T10:00:00Z", "z": "2024-01-02 10:00:00"},
        {"t": "2024-01-02 10:00:00+00:00"},  # an offset of zero names the same wall time
        {"d": "0001-01-01", "t": "9999-12-31 23:59:59.999999", "z": "9999-12-31T22:00:00-01:00"},
        {"d": "2017-1-2", "t": "2024-01-02 10:00", "z": "2024-01-02 10:00:00 Europe/Paris"},  # a zone names an instant
    ],
)
def test_what_every_target_holds_passes(values):
    assert _why(**values) is None


@pytest.mark.parametrize(
    "values,told",
    [
        ({"d": "0000-01-01"}, "column 'd': '0000-01-01' is outside 0001-01-01 … 9999-12-31"),
        ({"d": "10000-01-01"}, "column 'd': '10000-01-01' is outside 0001-01-01 … 9999-12-31"),
        ({"z": "9999-12-31T23:59:59-01:00"}, "column 'z': '9999-12-31T23:59:59-01:00' is outside"),  # year 10000 in UTC
        ({"t": "2024-01-02 00:00:00+05:00"}, "has a UTC offset, which a timestamp column would drop (declare it"),
        ({"d": "2024-01-02 10:00:00"}, "has a time of day, which a date column would drop (declare it timestamp)"),
        # DuckDB's cast reads a leading part and drops the rest (adversarial round 7)
        ({"t": "2024-01-01 10:00:00 +0100"}, "is not an ISO 8601 date or time"),
        ({"t": "2024-01-01 10:00:00 BC"}, "is not an ISO 8601 date or time"),
        ({"t": "2024-01-01 10:00:00 Europe/Paris"}, "is not an ISO 8601 date or time"),
        ({"d": "2024-01-01 BC"}, "'2024-01-01 BC'"),
    ],
)
def test_a_value_that_would_not_load_as_written_is_rejected_naming_column_and_value(values, told):
    why = _why(**values)
    assert why is not None and told in why, why
