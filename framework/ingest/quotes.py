"""Where a CSV file DuckDB cannot read at all has a quote out of place: a quoted field never
closed, or a quote inside a field. DuckDB answers only "Error when sniffing file" for both.
Asked after such a failure only (it reads the whole file), this names the line, so the
message can say what to fix. Python's csv reader, strict, reads the file as DuckDB would."""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from framework.ingest.header import open_text
from framework.spec import model as m


@dataclass(frozen=True)
class QuoteProblem:
    line: int
    what: str

    def describe(self, quote: str) -> str:
        return f"{self.what} (a {quote} inside a value is written twice: {quote}{quote})"


def quote_problem(path: str, options: m.CsvOptions) -> QuoteProblem | None:
    """The first quote out of place, with the line it is on (for a field never closed, the line
    it opens on), or None when the file reads as CSV."""
    with open_text(path, options.encoding) as handle, _no_field_limit():
        reader = csv.reader(handle, delimiter=options.delimiter, quotechar=options.quote, strict=True)
        starts = 1
        try:
            for _ in reader:
                starts = reader.line_num + 1
        except csv.Error as err:
            if "unexpected end of data" in str(err):
                return QuoteProblem(starts, f"a quoted field opened on line {starts} is never closed")
            return QuoteProblem(reader.line_num, f"a quote out of place: {err}")
        except UnicodeDecodeError:
            return None  # not text in its encoding: DuckDB's words say it
    return None


@contextlib.contextmanager
def _no_field_limit() -> Iterator[None]:
    """Python's csv reader refuses a field past 128 KiB ("field larger than field limit"), which
    is no quote out of place; DuckDB reads such a field. Lifted while this pass reads, then put back."""
    before = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(before)
