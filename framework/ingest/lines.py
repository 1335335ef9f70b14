"""The line of the file each record starts on: for rejects and for `_source_line`.

DuckDB numbers records, not lines. A quoted field with line breaks in it (a review's comment)
spans several lines, and a record DuckDB rejects for its field count is missing from the rows
it stages. So a staged row's line is the header's lines plus its ordinal, plus the line breaks
inside the staged rows before it, plus the lines of the rejected records before it. Blank
lines, which DuckDB skips, are not counted (README, "Ingest").

Most files have neither: their lines are the ordinals shifted by the header, and nothing more
is done. Otherwise the shifts (one per ordinal from which the shift grows) are added to the
staged rows' ordinals as they are written.
"""

from __future__ import annotations

import array
import bisect
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlglot import exp

from framework.sql import expr as q

_BREAK = "\n"
BREAKS = "__breaks"  # the column of `__raw` that `breaks_in` fills


@dataclass(frozen=True)
class Structural:
    """A record DuckDB rejected for its shape (field count, bad bytes)."""

    record: int  # its record number: DuckDB's `line` less the header's lines
    breaks: int  # line breaks inside it (in quoted fields)


@dataclass(frozen=True)
class RecordLines:
    header: int  # lines before the first record
    starts: tuple[int, ...] = ()  # ordinals from which the shift below holds, ascending
    shifts: tuple[int, ...] = ()  # lines to add to `header + ordinal` from that ordinal on
    rejected: dict[int, int] = field(default_factory=dict)  # DuckDB's record number → line

    @property
    def shifted(self) -> bool:
        return bool(self.starts)

    def of_ordinal(self, ordinal: int) -> int:
        """The line a staged row (by its ordinal, from 1) starts on."""
        at = bisect.bisect_right(self.starts, ordinal)
        return self.header + ordinal + (self.shifts[at - 1] if at else 0)

    def of_structural(self, record: int) -> int:
        """The line a record DuckDB rejected (by its record number) starts on."""
        return self.rejected.get(record, self.header + record)

    def line_sql(self) -> exp.Expression:
        """SQL over `__raw`: the row's line, or its ordinal when the file is shifted (then
        `relined` makes it the line as the rows are written)."""
        if self.shifted:
            return q.col("__ord")
        return exp.Add(this=q.col("__ord"), expression=q.lit(self.header))

    def relined(self, batches: Iterable, column: str) -> Iterator:
        """Record batches whose `column` holds staged ordinals, with the lines those rows start
        on in its place: each shift is looked up in a dense array (up to the last ordinal where
        it grows), in Arrow's compute, so the rows keep their order (a join would not)."""
        import pyarrow.compute as pc

        last = self.starts[-1]
        grows = [0] * (last + 1)
        previous = 0
        for start, shift in zip(self.starts, self.shifts, strict=True):
            grows[start] = shift - previous
            previous = shift
        dense = pc.cumulative_sum(_int64s(grows))
        header, clip = _int64s([self.header, last])  # Arrow scalars, taken from an array
        for batch in batches:
            ordinals = batch.column(column)
            shift = pc.take(dense, pc.min_element_wise(ordinals, clip))
            index = batch.schema.get_field_index(column)
            yield batch.set_column(index, column, pc.add(pc.add(ordinals, header), shift))


def _int64s(values: list[int]):
    """An Arrow int64 array from a buffer: `pa.array` of a list, or `pa.scalar`, first asks whether
    it was given a pandas object, which imports pandas (0.23 s of a day's ingest)."""
    import pyarrow as pa

    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(array.array("q", values))])


def record_lines(con, header: int, raw: str, columns: tuple[str, ...], structural: list[Structural]) -> RecordLines:
    """The lines of a staged CSV file: `structural` are its records DuckDB rejected, `raw` the
    staged table (with `__ord`, `__why` and `BREAKS`), `columns` its fields."""
    inner = _inner_breaks(con, raw, columns)
    if not inner and not structural:
        return RecordLines(header)
    grows: dict[int, int] = {}
    for ordinal, breaks in inner.items():
        grows[ordinal + 1] = grows.get(ordinal + 1, 0) + breaks
    rejected: dict[int, int] = {}
    inner_ordinals = sorted(inner)
    inner_before = list(itertools.accumulate((inner[o] for o in inner_ordinals), initial=0))
    rejected_breaks = 0  # line breaks inside the rejected records so far
    for number, record in enumerate(structural, start=1):
        staged_before = record.record - number
        staged_breaks = inner_before[bisect.bisect_right(inner_ordinals, staged_before)]
        rejected[record.record] = header + record.record + staged_breaks + rejected_breaks
        rejected_breaks += record.breaks
        grows[staged_before + 1] = grows.get(staged_before + 1, 0) + 1 + record.breaks
    starts = sorted(grows)
    shifts = list(itertools.accumulate(grows[s] for s in starts))
    return RecordLines(header, tuple(starts), tuple(shifts), rejected)


def _inner_breaks(con, raw: str, columns: tuple[str, ...]) -> dict[int, int]:
    """Staged ordinal → line breaks in its fields, for the rows that have any (few). A row that
    loads has them where `BREAKS` counted; a rejected one may have one in any column."""
    rejected = exp.Not(this=exp.Is(this=q.col("__why"), expression=exp.Null()))
    count = exp.Case(ifs=[exp.If(this=rejected, true=breaks_in(columns))], default=q.col(BREAKS))
    has_breaks = exp.Or(this=exp.GT(this=q.col(BREAKS), expression=q.lit(0)), expression=rejected)
    query = q.select(q.col("__ord"), count).from_(q.table(raw)).where(has_breaks)
    return {int(o): int(n) for o, n in con.execute(query.sql(dialect="duckdb")).fetchall() if n}


def breaks_in(columns: tuple[str, ...]) -> exp.Expression:
    """SQL: the line breaks in `columns` of a staged row (0 without counting when none has one).
    As the file is staged `BREAKS` counts them in the columns that may hold text: a value of
    another type with a line break in it is a reject, whose line breaks are counted after."""

    def text(name: str) -> exp.Column:
        return exp.Column(this=exp.Identifier(this=name, quoted=True))

    def breaks(name: str) -> exp.Expression:
        removed = exp.Anonymous(this="REPLACE", expressions=[text(name), q.lit(_BREAK), q.lit("")])
        count = exp.Sub(this=exp.Length(this=text(name)), expression=exp.Length(this=removed))
        return exp.Coalesce(this=count, expressions=[q.lit(0)])

    if not columns:
        return q.lit(0)
    total: exp.Expression = breaks(columns[0])
    for name in columns[1:]:
        total = exp.Add(this=total, expression=breaks(name))
    has_break = q.or_all([exp.Anonymous(this="CONTAINS", expressions=[text(c), q.lit(_BREAK)]) for c in columns])
    return exp.Case(ifs=[exp.If(this=has_break, true=total)], default=q.lit(0))
