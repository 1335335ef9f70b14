"""Why a CSV file DuckDB cannot read at all may be unreadable: its lines end two ways.

DuckDB's strict CSV reader wants one line ending per file and, given a file whose lines end
with CRLF and LF both (two exports concatenated, a hand edit), answers only "Error when
sniffing file". Asked after such a failure only (it reads the whole file), this names the
first line that ends the other way (counted as an editor counts lines; a line break
inside a quoted field is a value, not an ending), so the message can say what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework.ingest.header import open_binary

_CHUNK = 1 << 20


@dataclass(frozen=True)
class MixedEndings:
    first: str  # how line 1 ends: "CRLF" or "LF"
    line: int  # the first line that ends the other way
    other: str

    def describe(self) -> str:
        return (
            f"line {self.line} ends with {self.other} where the lines before it end with {self.first}: "
            f"a CSV file must use one line ending (convert it, e.g. with dos2unix, and ingest it again)"
        )


def mixed_endings(path: str, quote: str = '"') -> MixedEndings | None:
    """The first line ending unlike line 1's (a quoted field's line breaks are values, not
    endings), or None when every line ends the same way."""
    quote_byte = quote.encode()[:1] or b'"'
    first: str | None = None
    line = 1
    quoted = False
    carry = b""  # the part of the last line read so far
    with open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            pieces = (carry + chunk).split(b"\n")
            carry = pieces.pop()
            for piece in pieces:
                # an odd number of quotes in a piece opens or closes a quoted field ("" counts twice)
                quoted ^= piece.count(quote_byte) % 2 == 1
                if not quoted:
                    ending = "CRLF" if piece.endswith(b"\r") else "LF"
                    if first is None:
                        first = ending
                    elif ending != first:
                        return MixedEndings(first, line, ending)
                line += 1  # lines as an editor counts them
    return None
