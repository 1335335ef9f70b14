"""How the lake's Parquet encodes every portable type, read from the files' own footers, and
that DuckDB (read_parquet, the local load), pyarrow (the PostgreSQL load) and a DuckDB run all
read the values ingest meant. The encoding is the one Redshift's COPY reads: see
framework/lake/arrow.py for the documents it follows.

pyarrow's ColumnSchema.converted_type is derived from the logical type (it shows NONE for a
local timestamp whatever the footer says): the raw converted type comes from DuckDB's
parquet_schema(), which reports the footer as written."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest

from framework.lake.local import LocalLake
from framework.spec.bookkeeping import INGEST_COLUMNS
from framework.spec.types import SIMPLE_TYPES
from framework.sql.schema import REJECT_FILE_COLUMNS
from tests.conftest import FIXTURES
from tests.support.workspace import Workspace

UTC = datetime.UTC
HEADER = "id,label,qty,ratio,active,day,at,at_utc,d4,d9,d12,d18,d19,d38"
LINES = [
    "1,ação,2147483647,0.1,true,2018-10-17,2018-10-17 10:11:12.123456,2018-10-17 10:11:12.5+02:00,"
    "99.99,-999999.999,1234567890.12,12345678901234.5678,12345678901234567.89,"
    "12345678901234567890.123456",
    "2,x,-2147483648,-1.5e300,false,1900-01-01,2999-12-31 23:59:59.999999,1970-01-01 00:00:00+00:00,"
    "-99.99,0.001,-0.01,-99999999999999.9999,-99999999999999999.99,-99999999999999999999.999999",
    "3,,,,,,,,,,,,,",
    "4,bad,not-a-number,,,,,,,,,,,",  # rejected: a rejects file beside the data file
]
ROWS = [
    {
        "id": 1,
        "label": "ação",
        "qty": 2147483647,
        "ratio": 0.1,
        "active": True,
        "day": datetime.date(2018, 10, 17),
        "at": datetime.datetime(2018, 10, 17, 10, 11, 12, 123456),
        "at_utc": datetime.datetime(2018, 10, 17, 8, 11, 12, 500000, tzinfo=UTC),
        "d4": Decimal("99.99"),
        "d9": Decimal("-999999.999"),
        "d12": Decimal("1234567890.12"),
        "d18": Decimal("12345678901234.5678"),
        "d19": Decimal("12345678901234567.89"),
        "d38": Decimal("12345678901234567890.123456"),
    },
    {
        "id": 2,
        "label": "x",
        "qty": -2147483648,
        "ratio": -1.5e300,
        "active": False,
        "day": datetime.date(1900, 1, 1),
        "at": datetime.datetime(2999, 12, 31, 23, 59, 59, 999999),  # past NANOS' 2262: microseconds only
        "at_utc": datetime.datetime(1970, 1, 1, tzinfo=UTC),
        "d4": Decimal("-99.99"),
        "d9": Decimal("0.001"),
        "d12": Decimal("-0.01"),
        "d18": Decimal("-99999999999999.9999"),
        "d19": Decimal("-99999999999999999.99"),
        "d38": Decimal("-99999999999999999999.999999"),
    },
    {"id": 3, **{k: None for k in HEADER.split(",")[1:]}},
]

# portable type → (physical type, logical type as pyarrow writes it to JSON, raw converted type, fixed length)
ENCODING = {
    "string": ("BYTE_ARRAY", {"Type": "String"}, "UTF8", None),
    "integer": ("INT32", None, None, None),  # plain: a signed 32-bit integer needs no annotation
    "bigint": ("INT64", None, None, None),
    "double": ("DOUBLE", None, None, None),
    "boolean": ("BOOLEAN", None, None, None),
    "date": ("INT32", {"Type": "Date"}, "DATE", None),
    "timestamp": (
        "INT64",
        {"Type": "Timestamp", "isAdjustedToUTC": False, "timeUnit": "microseconds"},
        "TIMESTAMP_MICROS",
        None,
    ),
    "timestamptz": (
        "INT64",
        {"Type": "Timestamp", "isAdjustedToUTC": True, "timeUnit": "microseconds"},
        "TIMESTAMP_MICROS",
        None,
    ),
    "decimal(4,2)": ("INT32", {"Type": "Decimal", "precision": 4, "scale": 2}, "DECIMAL", None),
    "decimal(9,3)": ("INT32", {"Type": "Decimal", "precision": 9, "scale": 3}, "DECIMAL", None),
    "decimal(12,2)": ("INT64", {"Type": "Decimal", "precision": 12, "scale": 2}, "DECIMAL", None),
    "decimal(18,4)": ("INT64", {"Type": "Decimal", "precision": 18, "scale": 4}, "DECIMAL", None),
    "decimal(19,2)": ("FIXED_LEN_BYTE_ARRAY", {"Type": "Decimal", "precision": 19, "scale": 2}, "DECIMAL", 9),
    "decimal(38,6)": ("FIXED_LEN_BYTE_ARRAY", {"Type": "Decimal", "precision": 38, "scale": 6}, "DECIMAL", 16),
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("all-types")
    workspace = Workspace(folder, FIXTURES / "all_types")
    landing = folder / "landing"
    landing.mkdir()
    (landing / "typed_1.csv").write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    report = workspace.ingest(landing, "2018-10-17")
    (result,) = report.files
    assert not result.error and result.rows == 3 and len(result.rejects) == 1, result
    lake = LocalLake(str(workspace.lake))
    rejects = lake.reject_file("all_types", "typed", "2018-10-17", result.lake_path.rsplit("/", 1)[1])
    return workspace, result.lake_path, rejects


def footer(path: str) -> dict[str, tuple]:
    """column → (physical type, logical type, raw converted type, fixed length, required)."""
    schema = pq.ParquetFile(path).schema
    raw = {
        name: (converted, int(length) if length else None)
        for name, converted, length in duckdb.sql(
            f"SELECT name, converted_type, type_length FROM parquet_schema('{path}')"  # noqa: S608 - a test's own file
        ).fetchall()
    }
    found = {}
    for i in range(len(schema)):
        column = schema.column(i)
        logical = json.loads(column.logical_type.to_json()) if column.logical_type.type != "NONE" else None
        if logical and logical["Type"] == "Timestamp":
            logical = {k: logical[k] for k in ("Type", "isAdjustedToUTC", "timeUnit")}
        found[column.name] = (column.physical_type, logical, *raw[column.name], column.max_definition_level == 0)
    return found


def test_every_portable_type_is_written_as_redshifts_copy_reads_it(ingested):
    workspace, data, _ = ingested
    from framework.spec.project import load_project

    project, _ = load_project(str(workspace.pipeline))
    (source,) = project.sources
    assert set(SIMPLE_TYPES) <= {str(c.portable_type) for c in source.columns}  # every portable type is here
    columns = source.columns + INGEST_COLUMNS
    expected = {c.name: (*ENCODING[str(c.portable_type)], not c.nullable) for c in columns}
    found = footer(data)
    assert found == expected  # every column at once: the diff names each one written otherwise
    assert list(found) == [c.name for c in columns]  # in order: COPY maps columns by position


def test_the_rejects_file_uses_the_same_encoding(ingested):
    _, _, rejects = ingested
    found = footer(rejects)
    assert found == {c.name: (*ENCODING[str(c.portable_type)], not c.nullable) for c in REJECT_FILE_COLUMNS}
    assert list(found) == [c.name for c in REJECT_FILE_COLUMNS]
    (row,) = pq.read_table(rejects).to_pylist()
    assert row["line"] == 5 and row["column_name"] == "qty" and "not-a-number" in row["raw"]


def data_columns(rows: list[dict]) -> list[dict]:
    names = HEADER.split(",")
    return [{k: row[k] for k in names} for row in rows]


def test_pyarrow_and_duckdb_read_back_the_values_ingest_meant(ingested):
    _, data, _ = ingested
    assert data_columns(pq.read_table(data).to_pylist()) == ROWS  # the PostgreSQL load reads with pyarrow
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'America/Sao_Paulo'")  # Olist's zone: must not shift a local timestamp
        cursor = con.execute(f"SELECT * FROM read_parquet('{data}') ORDER BY id")  # noqa: S608 - a test's own file
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    assert data_columns(rows) == ROWS


def test_a_duckdb_run_loads_the_same_values(ingested):
    workspace, _, _ = ingested
    result = workspace.run()
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        columns = ", ".join(f'"{name}"' for name in HEADER.split(","))
        cursor = con.execute(f"SELECT {columns} FROM staging.typed ORDER BY id")  # noqa: S608 - fixed column list
        names = [d[0] for d in cursor.description]
        assert [dict(zip(names, row)) for row in cursor.fetchall()] == ROWS
