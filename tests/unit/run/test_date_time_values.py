"""Date and time texts that DuckDB would cast but that would not load as written (adversarial
round 6, 7): a year outside 1 … 9999 (DuckDB reads `0000-01-01` as 1 BC and takes year 10000;
PostgreSQL's driver and Python cannot hand either over), a UTC offset in a `timestamp` column
and a time of day in a `date` column (each cast silently drops it), a fraction of a second past
microseconds (cut off). Ingest's row check names
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
        {"z": "2024-01-02 10:00:00+15:59"},  # PostgreSQL's widest offset
        {"z": "2024-01-16 10:00:00-1400"},
        {"t": "2024-01-01 10:00:00.1234560", "z": "2024-01-01 10:00:00.123456000+00"},  # zeros past microseconds
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
        # DuckDB reads +99 as 99 hours; PostgreSQL refuses an offset past ±15:59 (adversarial round 16)
        ({"z": "2024-03-01 10:00:00+99"}, "column 'z': '2024-03-01 10:00:00+99' has a UTC offset outside -15:59"),
        ({"z": "2024-03-01 10:00:00+23:59"}, "has a UTC offset outside -15:59 … +15:59"),
        ({"z": "2024-03-01 10:00:00-0075"}, "has a UTC offset outside -15:59 … +15:59"),
        # DuckDB's cast cuts a fraction past microseconds off; PostgreSQL would round (adversarial round 11)
        ({"t": "2024-01-01 10:00:00.1234567"}, "has a fraction of a second finer than microseconds"),
        ({"t": "2024-01-01 23:59:59.9999999"}, "'2024-01-01 23:59:59.9999999' has a fraction of a second finer"),
        ({"z": "2024-01-01 10:00:00.9999995+00"}, "has a fraction of a second finer than microseconds"),
    ],
)
def test_a_value_that_would_not_load_as_written_is_rejected_naming_column_and_value(values, told):
    why = _why(**values)
    assert why is not None and told in why, why


@pytest.mark.parametrize(
    "text,value",
    [(w, True) for w in ("true", " TRUE", "t ", "tru", "yes", "Y", "on", "1")]
    + [(w, False) for w in ("false", "F", " no ", "n", "OFF", "of", "0")],
)
def test_a_boolean_is_read_as_postgresql_reads_one(text, value):
    """PostgreSQL's spellings and their unique prefixes, any case, blanks around ignored
    (adversarial round 16: ' true' and 'on' were rejected where a number column takes ' 5')."""
    from framework.ingest.casting import typed

    column = m.Column("b", "boolean", PortableType("boolean"))
    with duckdb.connect() as conn:
        conn.execute(f"CREATE TABLE {RAW} (b VARCHAR)")
        conn.execute(f"INSERT INTO {RAW} VALUES (?)", [text])
        why, loaded = conn.execute(
            f"SELECT {reason((column,)).sql('duckdb')}, {typed(column).sql('duckdb')} FROM {RAW}"
        ).fetchone()
    assert (why, loaded) == (None, value)


@pytest.mark.parametrize("text", ["truee", "2", "yes!", "o"])  # "o": on or off
def test_a_word_postgresql_does_not_read_as_a_boolean_is_rejected(text):
    column = m.Column("b", "boolean", PortableType("boolean"))
    with duckdb.connect() as conn:
        conn.execute(f"CREATE TABLE {RAW} (b VARCHAR)")
        conn.execute(f"INSERT INTO {RAW} VALUES (?)", [text])
        (why,) = conn.execute(f"SELECT {reason((column,)).sql('duckdb')} FROM {RAW}").fetchone()
    assert why == f"column 'b': '{text}' is not a valid boolean"


@pytest.mark.parametrize(
    "text,loads",
    [
        ("12.50", True),
        ("1.25e1", True),  # an exponent is a number PostgreSQL and Redshift read
        ("-0.5E-1", False),  # -0.05: past the scale of 1
        ("7e-40", False),  # a digit past even DECIMAL(38, s): read as 0 by both casts before
        ("1e-300", False),
        ("1_5", False),  # DuckDB's digit separator: 15 there, refused by PostgreSQL and Redshift
        ("1_000.5", False),
    ],
)
def test_a_decimal_is_exact_as_written(text, loads):
    """Adversarial round 20 (decimal_tiny_exponent_to_zero, decimal_underscore_accepted)."""
    column = m.Column("x", "decimal(10,1)", PortableType("decimal", precision=10, scale=1))
    with duckdb.connect() as conn:
        conn.execute(f"CREATE TABLE {RAW} (x VARCHAR)")
        conn.execute(f"INSERT INTO {RAW} VALUES (?)", [text])
        (why,) = conn.execute(f"SELECT {reason((column,)).sql('duckdb')} FROM {RAW}").fetchone()
    assert (why is None) == loads, why


FORMATTED = (
    m.Column("d", "date", PortableType("date"), format="%Y-%m-%d %H:%M"),
    m.Column("t", "timestamp", PortableType("timestamp"), format="%d/%m/%Y %H:%M:%S"),
    m.Column("z", "timestamptz", PortableType("timestamptz"), format="%d/%m/%Y %H:%M:%S%z"),
)


def _formatted(d: str | None = None, t: str | None = None, z: str | None = None) -> tuple:
    from framework.ingest.casting import typed

    with duckdb.connect() as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(f"CREATE TABLE {RAW} (d VARCHAR, t VARCHAR, z VARCHAR)")
        conn.execute(f"INSERT INTO {RAW} VALUES (?, ?, ?)", [d, t, z])
        values = ", ".join(typed(c).sql("duckdb") for c in FORMATTED)
        return conn.execute(f"SELECT {reason(FORMATTED).sql('duckdb')}, {values} FROM {RAW}").fetchone()


def test_a_date_format_that_reads_a_time_of_day_rejects_one_the_date_would_drop():
    """Adversarial round 28: `%Y-%m-%d %H:%M` in a date column stored 2024-01-02 10:30 as
    2024-01-02. Midnight is the date itself, as without a format."""
    import datetime as dt

    why = _formatted(d="2024-01-02 10:30")[0]
    assert why is not None and "has a time of day, which a date column would drop" in why, why
    assert _formatted(d="2024-01-02 00:00")[:2] == (None, dt.date(2024, 1, 2))


def test_a_timestamptz_column_reads_its_format():
    """Adversarial round 28: a timestamptz column ignored its `format` and rejected every
    value that was not ISO 8601. Its offset names the instant; without %z the time is UTC."""
    import datetime as dt

    why, _, loaded, instant = _formatted(t="02/01/2024 03:04:05", z="02/01/2024 03:04:05+0100")
    assert why is None, why
    assert loaded == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert instant == dt.datetime(2024, 1, 2, 2, 4, 5, tzinfo=dt.UTC)
    assert _formatted(z="2024-01-02 03:04:05+01")[0] is not None  # not the format's shape
