"""Portable types → Arrow types, the Arrow schema of a source's lake files, and the one writer
of lake Parquet (data and rejects files alike).

Redshift's COPY reads Parquet through Redshift Spectrum ("COPY from columnar data formats").
Redshift documents no Parquet encoding table for COPY; it documents which Iceberg types it
reads ("Supported data types with Apache Iceberg tables": boolean, int, long, double,
decimal(P,S), date, string, timestamp without time zone — not timestamptz), and the Iceberg
spec names their Parquet encoding (iceberg.apache.org/spec, "Parquet"), which the lake uses:

    string       BYTE_ARRAY, STRING (converted UTF8)
    integer      INT32                            bigint   INT64   (plain: signed, no annotation)
    double       DOUBLE                           boolean  BOOLEAN
    date         INT32, DATE
    timestamp    INT64, TIMESTAMP(isAdjustedToUTC=false, MICROS), converted TIMESTAMP_MICROS
                 (the legacy annotation parquet-format requires on local timestamps too);
                 never NANOS: apache/arrow#38000, Redshift read nanosecond files wrongly
    timestamptz  INT64, TIMESTAMP(isAdjustedToUTC=true, MICROS), converted TIMESTAMP_MICROS
    decimal(P,S) P <= 9 INT32, P <= 18 INT64, else FIXED_LEN_BYTE_ARRAY of the minimum length
                 for P; DECIMAL(P,S). DuckDB writes 16 bytes for any P > 18, not the minimum;
                 a decimal type length that does not match the column is Spectrum's "invalid
                 type length" error (AWS knowledge center, "data incompatibility errors in
                 Redshift Spectrum").

tests/unit/run/test_lake_parquet.py pins it from the files' own footers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from framework.spec import model as m
from framework.spec.types import PortableType

# the field metadata a string(n) column's limit is written under: Parquet has no string length,
# and a load under a spec that narrowed it checks the values (framework/run/conformance.py)
TEXT_LIMIT_KEY = b"elt.string_length"
# the file metadata naming the columns a lake file was written for (`shape_tag`): a run whose
# spec has exactly those knows the file fits without reading its Arrow schema (pyarrow's import
# alone is a tenth of a second)
SHAPE_KEY = b"elt.lake_shape"
ROW_GROUP_ROWS = 122_880  # DuckDB's default: row groups are Spectrum's unit of parallel reads
_WRITER_OPTIONS = {
    "version": "2.6",
    "compression": "snappy",
    "coerce_timestamps": "us",
    "use_deprecated_int96_timestamps": False,
    "store_decimal_as_integer": True,  # INT32 / INT64 / minimal fixed length, by precision
}


def arrow_type(ptype: PortableType):
    import pyarrow as pa

    if ptype.name == "decimal":
        return pa.decimal128(ptype.precision, ptype.scale)
    return {
        "string": pa.string(),
        "integer": pa.int32(),
        "bigint": pa.int64(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "timestamptz": pa.timestamp("us", tz="UTC"),
    }[ptype.name]


def file_columns(schema) -> tuple[m.Column, ...]:
    """A lake file's columns as the spec types they were written for (the inverse of
    `arrow_type`); a column of a type no spec writes is kept by name with its Arrow type's text."""
    import pyarrow as pa

    columns = []
    for field in schema:
        kind = field.type
        if pa.types.is_decimal(kind):
            ptype: PortableType | None = PortableType("decimal", kind.precision, kind.scale)
        elif pa.types.is_timestamp(kind):
            ptype = PortableType("timestamptz" if kind.tz else "timestamp")
        else:
            simple = {
                pa.string(): "string",
                pa.large_string(): "string",
                pa.int32(): "integer",
                pa.int64(): "bigint",
                pa.float64(): "double",
                pa.bool_(): "boolean",
                pa.date32(): "date",
            }.get(kind)
            ptype = PortableType(simple) if simple else None
        columns.append(m.Column(field.name, str(ptype) if ptype else str(kind), ptype))
    return tuple(columns)


def same_shape(schema, columns: tuple[m.Column, ...]) -> bool:
    """Whether a lake file's schema is what the spec's `columns` write: the same names, in order,
    of the same types (Parquet has no string length: string(n) is string)."""
    expected = lake_schema(columns)
    return [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in expected]


def lake_schema(columns: tuple[m.Column, ...]):
    """Columns in spec order (then the ingest columns): Redshift's Parquet COPY maps by position.
    The schema's metadata (the file's, once written) carries their `shape_tag`."""
    import pyarrow as pa

    def field(column: m.Column):
        ptype = column.portable_type
        metadata = {TEXT_LIMIT_KEY: str(ptype.length).encode()} if ptype.length else None
        return pa.field(column.name, arrow_type(ptype), nullable=column.nullable, metadata=metadata)

    return pa.schema([field(c) for c in columns], metadata={SHAPE_KEY: shape_tag(columns).encode()})


def shape_tag(columns: tuple[m.Column, ...]) -> str:
    """What `lake_schema` writes for these columns, as a short text: their names, in order, with
    their types (string lengths included) and nullability. Two column lists have the same tag
    exactly when the files written for them have the same Arrow schema."""
    text = "\n".join(f"{c.name}\t{c.portable_type}\t{'null' if c.nullable else 'not null'}" for c in columns)
    return "v1:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def write_lake_parquet(batches: Iterable, path: str, columns: tuple[m.Column, ...]) -> int:
    """Write record batches as a lake file shaped by `columns` (each batch cast to their types,
    so the encoding is the table above whatever produced the rows); returns the rows written."""
    import pyarrow.parquet as pq

    schema = lake_schema(columns)
    rows = 0
    with pq.ParquetWriter(path, schema, **_WRITER_OPTIONS) as writer:
        for batch in batches:
            writer.write_batch(batch.cast(schema), row_group_size=ROW_GROUP_ROWS)
            rows += batch.num_rows
    return rows
