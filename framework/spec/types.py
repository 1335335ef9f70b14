"""The closed set of portable column types and their parser.

string, string(n), integer, bigint, decimal(p,s), double, boolean, date, timestamp, timestamptz.
Targets map these to warehouse types; specs never name a warehouse type. `string(n)` holds at
most n characters: ingest rejects a longer value, and Redshift sizes the column for it (AWS's
advice: the smallest column that holds the data — temporary tables, which COPY and builds go
through, are not compressed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framework.errors import SpecError

SIMPLE_TYPES = ("string", "integer", "bigint", "double", "boolean", "date", "timestamp", "timestamptz")
_DECIMAL = re.compile(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)\Z")
_SIZED_STRING = re.compile(r"string\(\s*(\d+)\s*\)\Z")
MAX_DECIMAL_PRECISION = 38
MAX_STRING_LENGTH = 65535  # Redshift's largest VARCHAR

# Warehouse spellings people reach for, and the portable type that replaces them.
_ALIASES = {
    "varchar": ("string", "string(n)"),
    "text": "string",
    "char": "string(n)",
    "str": "string",
    "character varying": "string",
    "int": "integer",
    "int4": "integer",
    "smallint": "integer",
    "int8": "bigint",
    "long": "bigint",
    "float": "double",
    "float8": "double",
    "real": "double",
    "double precision": "double",
    "bool": "boolean",
    "datetime": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "numeric": "decimal(p,s)",
    "decimal": "decimal(p,s)",
}

# Families for comparing a foreign key with the key it references.
_FAMILY = {
    "string": "text",
    "integer": "integer",
    "bigint": "integer",
    "double": "float",
    "decimal": "decimal",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
}


@dataclass(frozen=True)
class PortableType:
    name: str  # one of SIMPLE_TYPES or 'decimal'
    precision: int | None = None
    scale: int | None = None
    length: int | None = None  # string(n): at most n characters

    def __str__(self) -> str:
        if self.name == "decimal":
            return f"decimal({self.precision},{self.scale})"
        return f"string({self.length})" if self.length else self.name

    @property
    def family(self) -> str:
        return _FAMILY[self.name]

    def compatible_with(self, other: PortableType) -> bool:
        return self.family == other.family


class TypeParseError(SpecError):
    """A column type that is not portable. Internal to the spec loader and lint, which turn it
    into the diagnostic E201 with its hint; it never leaves them."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def parse_type(text: str) -> PortableType:
    cleaned = text.strip().lower()
    if cleaned in SIMPLE_TYPES:
        return PortableType(cleaned)
    match = _DECIMAL.match(cleaned)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if not 1 <= precision <= MAX_DECIMAL_PRECISION:
            raise TypeParseError(f"decimal precision {precision} is out of range 1..{MAX_DECIMAL_PRECISION}")
        if scale > precision:
            raise TypeParseError(f"decimal scale {scale} is larger than its precision {precision}")
        return PortableType("decimal", precision, scale)
    sized = _SIZED_STRING.match(cleaned)
    if sized:
        length = int(sized.group(1))
        if not 1 <= length <= MAX_STRING_LENGTH:
            raise TypeParseError(f"string length {length} is out of range 1..{MAX_STRING_LENGTH}")
        return PortableType("string", length=length)
    base = re.sub(r"\(.*", "", cleaned).strip()
    if base in _ALIASES:
        choices = _ALIASES[base]
        hint = (
            f"Use '{choices}'." if isinstance(choices, str) else "Use " + " or ".join(f"'{c}'" for c in choices) + "."
        )
    else:
        import difflib

        close = difflib.get_close_matches(base, SIMPLE_TYPES + ("decimal",), n=1, cutoff=0.6)
        hint = f"Did you mean '{close[0] if close[0] != 'decimal' else 'decimal(p,s)'}'?" if close else ""
    raise TypeParseError(
        f"invalid type '{text}'; expected one of string, string(n), {', '.join(SIMPLE_TYPES[1:4])}, decimal(p,s), "
        f"{', '.join(SIMPLE_TYPES[4:])}",
        hint=hint,
    )
