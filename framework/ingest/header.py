"""Read a landing file's header and hold it against the source spec (schema drift).

Columns are matched by name, never by position: a reordered file loads correctly, a
renamed column is a missing one plus an extra one, and the message says which.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass

from framework.diagnostics import did_you_mean
from framework.errors import IngestError
from framework.spec import model as m

_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class HeaderPlan:
    file_columns: tuple[str, ...]  # as in the file, in file order
    ignored: tuple[str, ...]  # extra columns dropped by the drift policy
    notes: tuple[str, ...]  # warnings to report


_GZIP_MAGIC = b"\x1f\x8b"


def open_binary(path: str):
    """The file's bytes, decompressed when it is gzip (whatever its name says)."""
    raw = open(path, "rb")
    head = raw.read(2)
    raw.seek(0)
    return gzip.open(raw) if head == _GZIP_MAGIC else raw


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def open_text(path: str, encoding: str):
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")


def read_header(path: str, source: m.SourceSpec) -> list[str]:
    options = source.landing.csv
    try:
        if options.bom == "forbid":
            with open_binary(path) as handle:
                if handle.read(3) == b"\xef\xbb\xbf":
                    raise IngestError(f"{path}:1:1: the file starts with a UTF-8 BOM and the source forbids one")
        with open_binary(path) as handle:  # only the first line: bad bytes further down are row rejects
            first = handle.readline()
        text = first.decode("utf-8-sig" if options.encoding == "utf-8" else options.encoding)
        row = next(
            csv.reader(io.StringIO(text, newline=""), delimiter=options.delimiter, quotechar=options.quote), None
        )
    except UnicodeDecodeError as err:
        if path.lower().endswith(".gz") and not _is_gzip(path):
            raise IngestError(
                f"{path}:1: the file is named .gz but is not gzip-compressed, and its first line is not "
                f"valid {options.encoding} text either: is it a damaged or partial upload?"
            ) from None
        raise IngestError(
            f"{path}:1: the header is not valid {options.encoding} ({err.reason} at byte {err.start})"
        ) from None
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise IngestError(f"{path}: cannot read the file: {err}") from None
    declared = [c.name for c in source.columns]
    if not options.header:  # no header: the declared columns, in order, by position
        if row and row != [""] and len(row) != len(declared):
            raise IngestError(
                f"{path}:1: {len(row)} field(s) where the source declares {len(declared)} columns "
                f"({', '.join(declared)}), read by position (header: false)"
            )
        return declared
    if not row or row == [""]:
        raise IngestError(f"{path}:1:1: the file is empty; expected a header with the columns {', '.join(declared)}")
    return row


def plan_header(path: str, header: list[str], source: m.SourceSpec) -> HeaderPlan:
    declared = [c.name for c in source.columns]
    if len(header) != len(set(header)):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise IngestError(f"{path}:1: the header repeats column(s) {', '.join(dupes)}")
    missing = [c for c in declared if c not in header]
    extra = [h for h in header if h not in declared]
    if missing:
        hint = ""
        if len(header) == 1:
            guess = next((d for d in _DELIMITERS if d in header[0] and d != source.landing.csv.delimiter), None)
            if guess:
                hint = (
                    f" The header has a single column: is the delimiter {guess!r} rather than "
                    f"{source.landing.csv.delimiter!r}?"
                )
        elif len(missing) == 1 and len(extra) == 1:
            hint = f" Was '{missing[0]}' renamed to '{extra[0]}'? Columns are matched by name."
        else:
            close = did_you_mean(missing[0], extra)
            hint = f" {close.replace('Did you mean', 'Was it renamed to')}" if close else ""
        raise IngestError(
            f"{path}:1: missing column '{missing[0]}'"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if missing[1:] else "")
            + f"; source '{source.name}' expects {', '.join(declared)}; the file has "
            + f"{', '.join(header)}.{hint}"
        )
    notes: list[str] = []
    if extra:
        policy = source.schema_drift
        if policy is m.SchemaDrift.FAIL:
            raise IngestError(
                f"{path}:1: unexpected column(s) {', '.join(repr(e) for e in extra)}; source "
                f"'{source.name}' declares {', '.join(declared)} and its schema_drift policy is 'fail'"
            )
        notes.append(
            f"{path}: extra column(s) {', '.join(extra)} not loaded (schema_drift: {policy.value}"
            + ("; declare them in the spec to load them" if policy is m.SchemaDrift.ADD_COLUMNS else "")
            + ")"
        )
    return HeaderPlan(tuple(header), tuple(extra), tuple(notes))
