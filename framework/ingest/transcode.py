"""A landing CSV in a single-byte encoding, as UTF-8 for DuckDB's reader.

DuckDB reads UTF-8 and UTF-16 itself, latin-1 only as far as its reader knows it (it refuses the
C1 bytes 0x80–0x9F, which latin-1 holds and PostgreSQL's LATIN1 reads), and other encodings
only through an extension installed from the network. Python's codecs know them all: a file
declared latin-1 or cp1252 is decoded line by line into a UTF-8 copy, which DuckDB then reads.
A byte the encoding lacks (cp1252 has no 0x81) fails the file naming its line and column.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Iterator

from framework.errors import IngestError
from framework.ingest.header import open_binary
from framework.spec import model as m

UTF8 = "utf-8"


@contextlib.contextmanager
def utf8_file(path: str, source: m.SourceSpec) -> Iterator[tuple[str, m.SourceSpec]]:
    """(the path DuckDB reads, the source spec to read it with): the file itself when it is
    UTF-8 (or Parquet), else a UTF-8 copy, read as UTF-8."""
    options = source.landing.csv
    if source.landing.format is not m.FileFormat.CSV or options.encoding == UTF8:
        yield path, source
        return
    with tempfile.TemporaryDirectory(prefix="elt-utf8-") as folder:
        copy = os.path.join(folder, "landing.csv")
        with open_binary(path) as raw, open(copy, "w", encoding=UTF8, newline="") as out:
            for number, line in enumerate(raw, 1):
                try:
                    out.write(line.decode(options.encoding))
                except UnicodeDecodeError as err:
                    raise IngestError(
                        f"{path}:{number}:{err.start + 1}: byte 0x{line[err.start]:02x} is not a character of "
                        f"{options.encoding}, the source's encoding"
                    ) from None
        as_utf8 = dataclasses.replace(options, encoding=UTF8)
        yield copy, dataclasses.replace(source, landing=dataclasses.replace(source.landing, csv=as_utf8))
