"""Rules about how a source's landing files are read (E217, E218): what `elt ingest` checks too,
before it reads a file (so this module imports nothing heavy: no sqlglot, no jsonschema)."""

from __future__ import annotations

from collections.abc import Iterator

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.validate import format_key_path


def located(spec, key_path: tuple, code: str, message: str, hint: str = "", key: bool = False) -> Diagnostic:
    """A diagnostic at `key_path` of the spec's YAML (its key with key=True, else its value)."""
    line, col = spec.origin.locate(key_path, key=key)
    return Diagnostic(spec.origin.path, line, col, code, message, key_path=format_key_path(key_path), hint=hint)


def landing_problems(spec: m.SourceSpec) -> Iterator[Diagnostic]:
    yield from _csv_options(spec)
    yield from _column_formats(spec)


def _csv_options(spec: m.SourceSpec) -> Iterator[Diagnostic]:
    """A delimiter and a quote a CSV reader can tell apart, neither a line break."""
    if spec.landing.format is not m.FileFormat.CSV:
        return
    options = spec.landing.csv
    for option, value in (("delimiter", options.delimiter), ("quote", options.quote)):
        if value in ("\n", "\r"):
            yield located(
                spec, ("landing", "csv", option), "E217", f"the CSV {option} is a line break, which ends every record"
            )
    for i, marker in enumerate(options.null_markers):
        if options.delimiter in marker:
            yield located(
                spec,
                ("landing", "csv", "null_markers", i),
                "E217",
                f"the null marker {marker!r} holds the delimiter ({options.delimiter!r}): no field could hold it",
            )
    if options.delimiter == options.quote:
        yield located(
            spec,
            ("landing", "csv", "quote"),
            "E217",
            f"the CSV quote is the delimiter ({options.quote!r}): no field could be told from the next",
            hint="The usual quote is '\"'.",
        )


# strptime specifiers DuckDB's reader takes (probed on DuckDB 2.0: %s, %e, %D, %F, %R, … are
# refused there, and %n reads nanoseconds, which no target holds); `-` drops a leading zero
_READ_SPECIFIERS = frozenset("aAbBcdfgGhHIjmMpSTuUVwWxXyYzZ%")
_UNPADDED_SPECIFIERS = frozenset("dmHIjMSy")
_TIME_TYPES = ("date", "timestamp", "timestamptz")


def _column_formats(spec: m.SourceSpec) -> Iterator[Diagnostic]:
    """A column `format` only on a date or time column, of specifiers ingest's reader takes,
    and reading a UTC offset or zone only into a timestamptz (another column would drop it)."""
    for i, col in enumerate(spec.columns):
        if not col.format or col.type is None:
            continue
        at = ("columns", i, "format")
        if col.type.name not in _TIME_TYPES:
            yield located(
                spec,
                at,
                "E218",
                f"a `format` reads a date or time; column '{col.name}' is {col.type_text}",
                hint="Remove the format: a value of this type is read as written.",
            )
            continue
        unread = _unread_specifier(col.format)
        if unread:
            yield located(
                spec,
                at,
                "E218",
                f"format {col.format!r}: {unread} is no specifier ingest's reader takes",
                hint="Use strptime's %Y %m %d %H %M %S %f %p %b %z …; %-d reads a day without its leading zero.",
            )
        elif col.type.name != "timestamptz" and ("%z" in col.format or "%Z" in col.format):
            yield located(
                spec,
                at,
                "E218",
                f"format {col.format!r} reads a UTC offset or time zone, which a {col.type.name} column would drop",
                hint="Declare the column timestamptz: it keeps the instant the offset names.",
            )


def _unread_specifier(fmt: str) -> str:
    """The first specifier of `fmt` DuckDB's strptime does not read, or ''."""
    at = 0
    while (at := fmt.find("%", at)) >= 0:
        letter = fmt[at + 1 : at + 2]
        if letter == "-" and fmt[at + 2 : at + 3] in _UNPADDED_SPECIFIERS:
            at += 3
            continue
        if letter not in _READ_SPECIFIERS or not letter:
            return "%" + fmt[at + 1 : at + 3 if letter == "-" else at + 2]
        at += 2
    return ""
