"""The DuckDB side of ingest: stage a file as text, collect rejects, write typed Parquet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.errors import IngestError
from framework.ingest import casting, lines
from framework.ingest.report import Reject
from framework.lake.arrow import ROW_GROUP_ROWS, lake_schema, write_lake_parquet
from framework.spec import model as m
from framework.spec.bookkeeping import INGEST_COLUMNS
from framework.sql import expr as q
from framework.sql.schema import REJECT_FILE_COLUMNS, REJECT_TEXT_LIMIT

REJECTS = "__csv_rejects"


@dataclass(frozen=True)
class Counts:
    records: int  # data records seen: staged plus structurally rejected


def parquet_header(path: str, source: m.SourceSpec) -> list[str]:
    """The column names of a landing Parquet file; a file that is not Parquet (truncated, or
    another format under the name) is refused naming it, as a damaged CSV is. A declared column
    that is a list, struct or map is refused too: read as text it would be DuckDB's rendering
    of it (`[a, b]`), no value of a declared type."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as err:
        raise IngestError(f"{path}: cannot read the file as parquet: {err}") from None
    declared = {c.name: c for c in source.columns}
    for field in schema:
        if field.name in declared and pa.types.is_nested(field.type):
            raise IngestError(
                f"{path}: column '{field.name}' is a nested Parquet type ({field.type}), which no declared "
                f"type holds ({declared[field.name].type_text}): flatten it before delivery"
            )
        if field.name in declared and _zoned_into_wall_clock(field.type, declared[field.name]):
            raise IngestError(
                f"{path}: column '{field.name}' holds instants in time zone '{field.type.tz}' ({field.type}), "
                f"which the declared `{declared[field.name].type_text}` (a time without a zone) cannot keep: its "
                "wall-clock time would move by the offset, as a CSV value with a non-zero offset is rejected. "
                "Declare it `timestamptz`, or deliver it without a zone or in UTC"
            )
    return list(schema.names)


_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Z", "+00:00", "-00:00", "+0000", "GMT", "Etc/GMT", "Zulu", "Universal"})


def _zoned_into_wall_clock(arrow_type, column: m.Column) -> bool:
    """A Parquet timestamp in a time zone other than UTC, declared `timestamp`: DuckDB reads its
    UTC instant, not the wall-clock time it was written as."""
    import pyarrow as pa

    if column.type is None or column.type.name != "timestamp" or not pa.types.is_timestamp(arrow_type):
        return False
    return arrow_type.tz is not None and arrow_type.tz not in _UTC_ZONES


def parquet_binary_strings(path: str, source: m.SourceSpec) -> frozenset[str]:
    """The declared string columns a landing Parquet file holds as bytes (binary, no UTF-8
    annotation: what some writers make of text), which ingest decodes and checks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    strings = {c.name for c in source.columns if c.type is not None and c.type.name == "string"}
    schema = pq.read_schema(path)
    return frozenset(
        f.name for f in schema if f.name in strings and (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type))
    )


def _sql(expression: exp.Expression) -> str:
    # built for this one statement and dropped after: rendered in place, not copied first
    return expression.sql(dialect="duckdb", copy=False)


def stage_raw(
    con, path: str, header: tuple[str, ...], source: m.SourceSpec, undecodable: frozenset[str] = frozenset()
) -> Counts:
    """`__raw`: every field as text, the record's position, and why it cannot load (or NULL).
    `undecodable`: a Parquet file's string columns of bytes (`parquet_binary_strings`)."""
    for table in (REJECTS, REJECTS + "_scan", casting.RAW):
        con.execute(_sql(exp.Drop(tables=[q.table(table)], kind="TABLE", exists=True)))
    if source.landing.format is m.FileFormat.PARQUET:
        reader: exp.Expression = q.subquery(casting.read_parquet_text(path, header, undecodable), "__file")
    else:
        csv = exp.Table(this=casting.read_text(path, header, source, REJECTS))
        reader = q.subquery(casting.quoted_empties(csv, header, source), "__file")
    ordinal = q.alias(exp.Window(this=exp.RowNumber()), "__ord")
    raw = q.select(exp.Star(), ordinal).from_(reader)
    if _has_rejects_table(source):  # a CSV: a quoted field may hold line breaks (framework/ingest/lines.py)
        raw = raw.select(q.alias(lines.breaks_in(_may_hold_text(header, source)), lines.BREAKS))
    why = casting.reason(source.columns, undecodable)
    staged = q.select(exp.Star(), q.alias(why, "__why")).from_(q.subquery(raw, casting.RAW))
    con.execute(_sql(q.create_temp_as(casting.RAW, staged)))
    (staged_rows,) = con.execute(_sql(q.select(exp.Count(this=exp.Star())).from_(q.table(casting.RAW)))).fetchone()
    return Counts(staged_rows + _structural_count(con, source))


def _may_hold_text(header: tuple[str, ...], source: m.SourceSpec) -> tuple[str, ...]:
    """The file's columns a value with a line break can load from: strings, and columns the
    spec does not declare (left out of the lake, never checked)."""
    types = {c.name: c.type for c in source.columns}
    return tuple(h for h in header if (kind := types.get(h)) is None or kind.name == "string")


def _has_rejects_table(source: m.SourceSpec) -> bool:
    return source.landing.format is m.FileFormat.CSV


def _header_lines(source: m.SourceSpec) -> int:
    """Lines before the first record: a CSV's header; none in a Parquet file, whose `line` is
    its row number from 1, as `elt ingest` prints it (`row 4`)."""
    return 1 if source.landing.format is m.FileFormat.CSV and source.landing.csv.header else 0


def _structural_count(con, source: m.SourceSpec) -> int:
    if not _has_rejects_table(source):
        return 0
    query = q.select(exp.Count(this=exp.Distinct(expressions=[q.col("line")]))).from_(q.table(REJECTS))
    return con.execute(_sql(query)).fetchone()[0]


def record_lines(con, source: m.SourceSpec, header: tuple[str, ...]) -> lines.RecordLines:
    """The line each staged row and each structurally rejected record starts on."""
    if not _has_rejects_table(source):  # Parquet: a row is a row, line breaks in values are values
        return lines.RecordLines(_header_lines(source))
    query = (
        q.select(q.col("line"), exp.Min(this=q.col("csv_line")))
        .from_(q.table(REJECTS))
        .group_by(q.col("line"))
        .order_by(q.col("line"))
    )
    header_lines = _header_lines(source)
    structural = [
        # DuckDB's csv_line is the whole record; after a blank line it starts with that line's break
        lines.Structural(int(line) - header_lines, (csv_line or "").lstrip("\r\n").count("\n"))
        for line, csv_line in con.execute(_sql(query)).fetchall()
    ]
    return lines.record_lines(con, header_lines, casting.RAW, header, structural)


def collect_rejects(
    con, source: m.SourceSpec, header: tuple[str, ...], at: lines.RecordLines, undecodable: frozenset[str] = frozenset()
):
    rejects: list[Reject] = []
    delimiter = source.landing.csv.delimiter
    raw_text = exp.Anonymous(
        this="concat_ws",
        expressions=[q.lit(delimiter)]
        + [
            exp.Coalesce(this=exp.Column(this=exp.Identifier(this=h, quoted=True)), expressions=[q.lit("")])
            for h in header
        ],
    )
    bad = (
        # the failing column is worked out for the rejected rows only (the checks are not free)
        q.select(
            q.col("__ord"),
            q.alias(raw_text, "__text"),
            q.col("__why"),
            q.alias(casting.failing_column(source.columns, undecodable), "__why_column"),
        )
        .from_(q.table(casting.RAW))
        .where(exp.Not(this=exp.Is(this=q.col("__why"), expression=exp.Null())))
        .order_by(q.col("__ord"))
    )
    for ordinal, text, why, column in con.execute(_sql(bad)).fetchall():
        rejects.append(
            Reject(
                at.of_ordinal(ordinal),
                _storable(text),
                _storable(why),
                column,
                parquet=source.landing.format is m.FileFormat.PARQUET,
            )
        )
    if _has_rejects_table(source):
        structural = (
            q.select(
                q.col("line"), q.col("csv_line"), q.col("error_type"), q.col("error_message"), q.col("column_name")
            )
            .from_(q.table(REJECTS))
            .order_by(q.col("line"))
        )
        seen = set()
        for line, csv_line, kind, message, column in con.execute(_sql(structural)).fetchall():
            if line in seen:
                continue
            seen.add(line)
            reason = _structural_reason(kind, message, column)
            record = int(line) - _header_lines(source)
            rejects.append(Reject(at.of_structural(record), _storable(csv_line or ""), _storable(reason), column))
    return sorted(rejects, key=lambda r: r.line)


def _storable(text: str) -> str:
    """A reject's text as the rejects table can hold it on every target: PostgreSQL's and
    Redshift's text cannot hold U+0000, so it is shown as U+FFFD (the replacement character)."""
    return text.replace("\x00", "\ufffd")


def padded_keys(con, source: m.SourceSpec) -> list[str]:
    """Notes on string primary-key values that end with blanks, in the rows that load: Redshift
    compares VARCHAR ignoring trailing blanks ("Examples with character types"), so there `A1 `
    and `A1` are one key, on DuckDB and PostgreSQL two — the same file would load differently."""
    strings = [
        c.name
        for c in source.columns
        if c.name in source.primary_key and c.type is not None and c.type.name == "string"
    ]
    notes = []
    for name in strings:
        value = exp.Column(this=exp.Identifier(this=name, quoted=True), table=q.ident(casting.RAW))
        # blanks only (U+0020), what Redshift's comparison ignores; not other white space
        padded = exp.NEQ(this=value, expression=exp.Anonymous(this="RTRIM", expressions=[value.copy(), q.lit(" ")]))
        clean = exp.Is(this=q.col("__why"), expression=exp.Null())
        query = q.select(exp.Count(this=exp.Star()), exp.Min(this=q.col("__ord"))).from_(q.table(casting.RAW))
        ((count, first),) = con.execute(_sql(query.where(exp.And(this=clean, expression=padded)))).fetchall()
        if count:
            notes.append(
                f"primary key column {name}: {count} value(s) end with blanks (first in record {first}); Redshift "
                "compares text ignoring trailing blanks, so there such a key is the same key as without them "
                "(on DuckDB and PostgreSQL another one) — trim them at the source for the same result everywhere"
            )
    return notes


def _structural_reason(kind: str, message: str, column: str | None) -> str:
    text = " ".join((message or "").split())
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"wrong number of fields ({text})"
    return f"{kind.lower()}: {text}" + (f" (column '{column}')" if column else "")


def write_good_rows(
    con, source: m.SourceSpec, local_path: str, batch_date: str, file_name: str, at: lines.RecordLines
) -> int:
    """Typed rows in the spec's column order, then _batch_date, _source_file, _source_line."""
    outputs = [q.alias(casting.typed(c), c.name) for c in source.columns] + [
        q.alias(q.cast(q.lit(batch_date), "DATE"), "_batch_date"),
        q.alias(q.lit(file_name), "_source_file"),
        q.alias(q.cast(at.line_sql(), "BIGINT"), "_source_line"),
    ]
    good = q.select(*outputs).from_(q.table(casting.RAW)).where(exp.Is(this=q.col("__why"), expression=exp.Null()))
    # Rows leave in file order without sorting: `__raw` was written in `__ord` order (one table,
    # a window with an empty OVER) and a scan with a filter and a projection keeps that order
    # (DuckDB's "Order Preservation": insertion order, preserve_insertion_order on by default).
    # Sorting ten million rows doubled ingest's memory.
    # The lake's own writer, not DuckDB's COPY: every type in the encoding Redshift's COPY reads
    # (framework/lake/arrow.py); DuckDB gives any decimal past 18 digits 16 bytes, not the
    # minimum length for its precision that the spec Redshift follows asks for.
    batches = con.sql(_sql(good)).to_arrow_reader(ROW_GROUP_ROWS)
    if at.shifted:
        batches = at.relined(batches, "_source_line")
    return write_lake_parquet(batches, local_path, source.columns + INGEST_COLUMNS)


def _bounded(text: str) -> str:
    return text if len(text) <= REJECT_TEXT_LIMIT else text[: REJECT_TEXT_LIMIT - 1] + "…"


def write_rejects(rejects, local_path: str, source: str, file_name: str, batch_date: str) -> None:
    import datetime

    import pyarrow as pa

    table = pa.table(
        {
            "source": [source] * len(rejects),
            "path": [file_name] * len(rejects),
            "line": [r.line for r in rejects],
            "column_name": [r.column for r in rejects],
            "raw": [_bounded(r.raw) for r in rejects],
            "reason": [_bounded(r.reason) for r in rejects],
            "batch_date": [datetime.date.fromisoformat(batch_date)] * len(rejects),
        },
        schema=lake_schema(REJECT_FILE_COLUMNS),
    )
    write_lake_parquet(table.to_batches(), local_path, REJECT_FILE_COLUMNS)
