"""Portable types → Arrow types, and the Arrow schema of a source's lake files."""

from __future__ import annotations

from framework.spec import model as m
from framework.spec.types import PortableType


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


def lake_schema(columns: tuple[m.Column, ...]):
    """Columns in spec order (then the ingest columns): Redshift's Parquet COPY maps by position."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.portable_type), nullable=c.nullable) for c in columns])
