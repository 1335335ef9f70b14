"""Lake files against the spec they are loaded under: a load never changes a value, nor leaves
a column the spec declares `nullable: false` empty.

A lake file keeps the types of the spec its ingest checked it against. Loaded under a spec
that narrowed a type since (decimal(10,2) → decimal(10,1), bigint → integer, string →
string(4)), the warehouse's cast would round or truncate — or fail in its own words; a file
that lacks a column the spec now declares `nullable: false`, or has NULLs in it, would fail
the load with a constraint error naming no file. So before a load each file's footer is held
against the spec, and the values of a column that may not fit (another type, a string written
under a longer limit or none, NULLs where they are no longer allowed) are read and checked:
the first that cannot load unchanged is named, with its file and row. A file of the spec's
own types costs its footer read: the shape tag ingest wrote there (`written_for`), or, for a
file written before tags, its Arrow schema.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from framework.lake import Lake, LakeFile
from framework.lake.arrow import TEXT_LIMIT_KEY, arrow_type, shape_tag
from framework.spec import model as m


@dataclass(frozen=True)
class Misfit:
    path: str
    column: str
    what: str  # what the file holds that the spec cannot take, as the end of a sentence
    missing: bool = False  # the file lacks the column


def written_for(lake: Lake, files: list[LakeFile], columns: tuple[m.Column, ...]) -> bool:
    """Whether every file's footer says it was written for exactly `columns`: then each fits
    them and has their shape, and nothing more needs reading (nor pyarrow importing)."""
    tag = shape_tag(columns)
    return all(lake.shape_tag(f.path) == tag for f in files)


def first_misfit(
    lake: Lake, files: list[LakeFile], columns: tuple[m.Column, ...], schemas: Mapping[str, Any]
) -> Misfit | None:
    """The first value (or missing column) of `files` that the spec's `columns` cannot take;
    `schemas` holds each file's Arrow schema (its footer, read once for the load)."""
    for lake_file in files:
        found = _misfit_in(lake, lake_file.path, columns, schemas[lake_file.path])
        if found is not None:
            return found
    return None


def _misfit_in(lake: Lake, path: str, columns: tuple[m.Column, ...], schema: Any) -> Misfit | None:
    fields = {field.name: field for field in schema}
    doubtful = []
    for column in columns:
        field = fields.get(column.name)
        if field is None:
            if not column.nullable and lake.row_count(path):
                what = f"has no column {column.name}, which the spec declares nullable: false"
                return Misfit(path, column.name, what, missing=True)
            continue
        if field.type != arrow_type(column.portable_type) or _longer_text(field, column):
            doubtful.append(column)
        elif field.nullable and not column.nullable:  # written when NULL was allowed
            doubtful.append(column)
    if not doubtful:
        return None
    table = lake.read_columns(path, [c.name for c in doubtful])
    for column in doubtful:
        found = _first_unfit(table.column(column.name), column)
        if found is not None:
            row, what = found
            return Misfit(path, column.name, f"holds {what} in column {column.name} (row {row})")
    return None


def _longer_text(field, column: m.Column) -> bool:
    """A string(n) column whose file was written under a longer limit, or none."""
    limit = column.portable_type.length
    if not limit:
        return False
    written = (field.metadata or {}).get(TEXT_LIMIT_KEY)
    return written is None or int(written) > limit


def _first_unfit(values, column: m.Column) -> tuple[int, str] | None:
    """(row, what) of the first value the column cannot hold unchanged; None when all fit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ptype = column.portable_type
    if not column.nullable and values.null_count:
        row = pc.index(pc.is_null(values), True).as_py()
        return row + 1, "NULL, which the spec declares nullable: false,"
    target = arrow_type(ptype)
    valid = pc.index(pc.is_valid(values), True).as_py()  # the first value that is not NULL
    if _not_convertible(values.type, ptype):  # the warehouse refuses the cast itself, NULLs and all
        what = "a value" if valid >= 0 else "only NULL"
        return max(valid, 0) + 1, f"{what} of type {values.type}, which the warehouse cannot convert to {ptype}"
    lost = _representation_lost(values.type, ptype)
    if lost:  # no value can load unchanged: the first one there is named
        return None if valid < 0 else (valid + 1, f"{values[valid].as_py()} ({lost})")
    if ptype.length:
        unfit = pc.greater(pc.utf8_length(values.cast(pa.string())), ptype.length)
        what = f"more than the {ptype.length} characters of {ptype}"
    elif ptype.name == "decimal" and (pa.types.is_decimal(values.type) or pa.types.is_integer(values.type)):
        return _first_outside_decimal(values, ptype)
    else:
        try:
            back = pc.cast(pc.cast(values, target, safe=False), values.type, safe=False)
            unfit = pc.not_equal(back, values)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _first_uncastable(values, target, ptype)
        what = f"a value {ptype} cannot hold unchanged"
    row = pc.index(pc.fill_null(unfit, False), True).as_py()
    if row < 0:
        return None
    return row + 1, f"{values[row].as_py()!r}, {what}"


def _first_outside_decimal(values, ptype) -> tuple[int, str] | None:
    """The first integer or decimal value a decimal(p,s) cannot hold unchanged: more digits before
    the point than p - s (round 48), or more after it than s. Arrow's own cast refuses an int32
    under decimal(10,2) by type, whatever the values (round 51)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    scale = values.type.scale if pa.types.is_decimal(values.type) else 0
    wide = values.cast(pa.decimal128(38, scale))
    digits = _integer_digits(ptype)
    if digits >= 38 - scale:  # no value the file can hold has more digits before the point
        too_long = pa.array([False] * len(wide), pa.bool_())
    else:
        too_long = pc.greater_equal(pc.abs(wide), pa.scalar(decimal.Decimal(10) ** digits, wide.type))
    too_fine = pc.not_equal(pc.round(wide, ndigits=ptype.scale or 0), wide) if scale > (ptype.scale or 0) else None
    unfit = pc.or_(too_long, too_fine) if too_fine is not None else too_long
    row = pc.index(pc.fill_null(unfit, False), True).as_py()
    if row < 0:
        return None
    what = (
        f"more digits before the point than {ptype} holds"
        if too_long[row].as_py()
        else f"a value {ptype} cannot hold unchanged"
    )
    return row + 1, f"{values[row].as_py()!r}, {what}"


def _not_convertible(kind, ptype) -> bool:
    """Whether the warehouse refuses to cast a column of Arrow type `kind` to the spec's type at all
    (DuckDB: "Unimplemented type for cast (INTEGER -> DATE)"): a number and a date or time."""
    import pyarrow as pa

    number = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    temporal = pa.types.is_date(kind) or pa.types.is_timestamp(kind)
    times = ("date", "timestamp", "timestamptz")
    return (number and ptype.name in times) or (temporal and ptype.name in ("integer", "bigint", "double", "decimal"))


def _representation_lost(kind, ptype) -> str:
    """Why a file's typed values cannot become the spec's type as their landing text would, or ''.
    The lake keeps values, not text: retyped to a string, `007` would load as '7' where a fresh
    ingest keeps '007'; a timestamptz instant, made a timestamp or date, would drop its offset
    where ingest refuses such a value (adversarial round 48)."""
    import pyarrow as pa

    if ptype.name == "string" and not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return (
            f"a {kind} value: the lake keeps values, not the text they were read from, so the text a "
            f"fresh ingest under {ptype} would keep is not there"
        )
    if pa.types.is_timestamp(kind) and kind.tz and ptype.name in ("timestamp", "date"):
        return f"an instant with a UTC offset, which {ptype} would drop"
    if pa.types.is_boolean(kind) and ptype.name != "boolean":  # 'yes', 'f', 'true' delivered: ingest rejects them
        return (
            f"a boolean: the lake keeps true or false, not the text delivered, which a fresh ingest under {ptype} "
            "would reject"
        )
    return ""


def _integer_digits(ptype) -> int:
    return (ptype.precision or 0) - (ptype.scale or 0)


def _first_uncastable(values, target, ptype) -> tuple[int, str]:
    """The first value Arrow cannot cast at all (text that is no number, …), looked for one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for row, value in enumerate(values):
        try:
            pc.cast(pa.array([value.as_py()], values.type), target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return row + 1, f"{value.as_py()!r}, which is no {ptype}"
    return 1, f"values of type {values.type}, which is no {ptype}"  # pragma: no cover - the cast above failed
