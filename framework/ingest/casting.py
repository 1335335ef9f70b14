"""SQL (DuckDB, built with sqlglot) that reads a landing file as text and types it strictly.

Every value is checked before it is cast: an integer column takes '541' or '541.0' but
not '541.5', a decimal(12,2) takes '58.9' but not '58.905' (DuckDB's own casts would round
both silently), dates and timestamps follow the column's format and lie between 0001-01-01
and 9999-12-31 (in UTC for a timestamptz: the range every target and driver holds), a
timestamp carries no UTC offset and a date no time of day (either cast would drop it), nor a
fraction of a second finer than microseconds (the cast would cut it off). Each
row gets the reason it cannot load (NULL when it can); the good rows are cast to the spec's
types.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from framework.spec import model as m
from framework.sql import expr as q
from framework.sql.dialects import get_dialect

RAW = "__raw"
REDSHIFT_VARCHAR_BYTES = 65535


def _text(name: str) -> exp.Column:
    return exp.Column(this=exp.Identifier(this=name, quoted=True), table=q.ident(RAW))


def read_text(path: str, header: tuple[str, ...], source: m.SourceSpec, rejects_table: str) -> exp.Expression:
    """read_csv with every column as VARCHAR; rows with the wrong field count or bad bytes go to
    DuckDB's rejects table (with their line and byte position)."""
    options = source.landing.csv
    columns = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.Identifier(this=h, quoted=True), expression=q.lit("VARCHAR")) for h in header
        ]
    )

    def arg(name: str, value: exp.Expression) -> exp.EQ:
        return exp.EQ(this=q.col(name), expression=value)

    args = [
        arg("header", q.lit(options.header)),
        arg("columns", columns),
        arg("delim", q.lit(options.delimiter)),
        arg("quote", q.lit(options.quote)),
        arg("escape", q.lit(options.quote)),
        arg("nullstr", exp.Array(expressions=[q.lit(v) for v in options.null_markers])),
        # a quoted field is a value, never a null marker: "" is an empty string, "NULL" the word
        # (as PostgreSQL reads CSV); see `quoted_empties` for the columns that are not strings
        arg("allow_quoted_nulls", q.lit(False)),
        arg("encoding", q.lit(options.encoding)),
        arg("strict_mode", q.lit(True)),
        arg("store_rejects", q.lit(True)),
        arg("rejects_table", q.lit(rejects_table)),
        arg("rejects_scan", q.lit(rejects_table + "_scan")),
        arg("parallel", q.lit(False)),
    ]
    return exp.ReadCSV(this=q.lit(path), expressions=args)


def quoted_empties(csv: exp.Expression, header: tuple[str, ...], source: m.SourceSpec) -> exp.Select:
    """The CSV's fields, a quoted empty field ("") NULL in a column that is not a string: an
    empty string only a string column can hold."""
    declared = {c.name: c for c in source.columns}

    def field(name: str) -> exp.Expression:
        column = exp.Column(this=exp.Identifier(this=name, quoted=True))
        spec = declared.get(name)
        if spec is None or spec.type is None or spec.type.name == "string":
            return column
        return exp.Alias(
            this=exp.Nullif(this=column, expression=q.lit("")), alias=exp.Identifier(this=name, quoted=True)
        )

    return q.select(*(field(h) for h in header)).from_(csv)


def read_parquet_text(path: str, header: tuple[str, ...], undecodable: frozenset[str] = frozenset()) -> exp.Select:
    """A landing Parquet file, as text like a CSV, so the same checks apply. The `undecodable`
    columns are binary (bytes, not UTF-8 text): each is decoded, and a flag (`bytes_flag`) marks
    the values that are no UTF-8 text — DuckDB's cast would write their bytes as `\xff` escapes."""
    reader = exp.Table(this=exp.Anonymous(this="read_parquet", expressions=[q.lit(path)]))

    def column(name: str) -> exp.Column:
        return exp.Column(this=exp.Identifier(this=name, quoted=True))

    fields = [q.alias(_decoded(column(h)) if h in undecodable else q.cast(column(h), "VARCHAR"), h) for h in header]
    flags = [
        q.alias(
            exp.And(
                this=exp.Not(this=exp.Is(this=column(h), expression=exp.Null())),
                expression=exp.Is(this=_decoded(column(h)), expression=exp.Null()),
            ),
            bytes_flag(h),
        )
        for h in header
        if h in undecodable
    ]
    return q.select(*fields, *flags).from_(reader)


def _decoded(column: exp.Expression) -> exp.Expression:
    """The bytes as UTF-8 text; NULL where they are none (DuckDB's TRY of DECODE)."""
    return exp.Anonymous(this="try", expressions=[exp.Anonymous(this="decode", expressions=[column])])


def bytes_flag(name: str) -> str:
    return f"__bytes_{name}"


def _valid(column: m.Column) -> exp.Expression:
    """TRUE when the (non-NULL) text is a value of the column's type, without rounding."""
    t = column.portable_type
    value = _text(column.name)
    fmt = getattr(column, "format", None)
    if t.name == "string":
        return q.lit(True)
    if t.name in ("integer", "bigint"):
        integral = exp.RegexpLike(this=value.copy(), expression=q.lit(r"^\s*[+-]?[0-9]+(\.0*)?\s*$"))
        target = "INTEGER" if t.name == "integer" else "BIGINT"
        fits = exp.Not(
            this=exp.Is(
                this=exp.TryCast(
                    this=exp.TryCast(this=value.copy(), to=exp.DataType.build("DECIMAL(38, 6)")),
                    to=exp.DataType.build(target),
                ),
                expression=exp.Null(),
            )
        )
        return exp.And(this=integral, expression=fits)
    if t.name == "decimal":
        assert t.precision is not None and t.scale is not None  # a decimal type always has both (parse_type)
        return _exact_decimal(value, t.precision, t.scale)
    if t.name in _FORMATTED and fmt:
        return exp.Not(this=exp.Is(this=_strptime(value, fmt), expression=exp.Null()))
    if t.name == "double":
        return _exact_double(value)
    if t.name == "boolean":
        return exp.In(this=_boolean_word(value), expressions=[q.lit(w) for w in (*_TRUE_WORDS, *_FALSE_WORDS)])
    duck = {
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ",
    }[t.name]
    return exp.Not(this=exp.Is(this=exp.TryCast(this=value.copy(), to=exp.DataType.build(duck)), expression=exp.Null()))


# PostgreSQL's boolean spellings ("Boolean Type": true/yes/on/1, false/no/off/0 and their unique
# prefixes, any case, blanks around ignored): DuckDB's cast knows neither on/off, nor the
# prefixes, nor the blanks a numeric column takes.
_TRUE_WORDS = ("t", "tr", "tru", "true", "y", "ye", "yes", "on", "1")
_FALSE_WORDS = ("f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0")


def _boolean_word(value: exp.Expression) -> exp.Expression:
    return exp.Lower(this=exp.Trim(this=value.copy()))


def _exact_decimal(value: exp.Expression, precision: int, scale: int) -> exp.Expression:
    """The text is a value of DECIMAL(precision, scale) as written, not rounded to it: it casts,
    the cast equals the value read with every decimal a DECIMAL(38, s) holding the column's
    integer digits keeps (a wider scale would overflow on a value the column holds), and —
    past what even that keeps — a plain number has no non-zero digit after `scale` decimals."""
    wide_scale = 38 - (precision - scale)
    wide = f"DECIMAL(38, {wide_scale})"
    fitted = exp.TryCast(this=value.copy(), to=exp.DataType.build(f"DECIMAL({precision}, {scale})"))
    exact = exp.TryCast(this=value.copy(), to=exp.DataType.build(wide))
    past_scale = exp.RegexpLike(
        this=value.copy(), expression=q.lit(rf"^\s*[+-]?[0-9]*\.[0-9]{{{scale}}}[0-9]*[1-9][0-9]*\s*$")
    )
    # only a text longer than the wide scale can hold decimals past it: the pattern is read for
    # those alone (it costs twice the casts, on the millions of values of a big file)
    long = exp.GT(this=exp.Length(this=value.copy()), expression=q.lit(wide_scale))
    rounded = exp.Case(ifs=[exp.If(this=long, true=past_scale)], default=exp.Boolean(this=False))
    # an exponent moves digits past even the wide scale (`7e-40` casts to 0 both ways): the value
    # then must equal the fitted one as a double too
    exponent = exp.Anonymous(this="REGEXP_MATCHES", expressions=[value.copy(), q.lit("[eE]")])
    as_double = exp.EQ(
        this=exp.TryCast(this=value.copy(), to=exp.DataType.build("DOUBLE")),
        expression=exp.Cast(this=fitted.copy(), to=exp.DataType.build("DOUBLE")),
    )
    # DuckDB's cast takes digit separators (`1_5` is 15); PostgreSQL and Redshift refuse them
    separators = exp.Anonymous(this="CONTAINS", expressions=[value.copy(), q.lit("_")])
    return q.and_all(
        [
            exp.Not(this=exp.Is(this=fitted, expression=exp.Null())),
            exp.EQ(this=exact, expression=exp.Cast(this=fitted.copy(), to=exp.DataType.build(wide))),
            exp.Not(this=rounded),
            exp.Not(this=separators),
            exp.Case(ifs=[exp.If(this=exponent, true=as_double)], default=exp.Boolean(this=True)),
        ]
    )


def _exact_double(value: exp.Expression) -> exp.Expression:
    """The text is a double as written: DuckDB's cast takes `1_0.5` (digit separators) and turns
    a value past the double's range into infinity (1.8e308) or zero (1e-400); PostgreSQL and
    Redshift refuse those. Infinity and NaN written as such stay values."""
    number = exp.TryCast(this=value.copy(), to=exp.DataType.build("DOUBLE"))
    spelled_infinite = exp.RegexpLike(this=value.copy(), expression=q.lit(r"^\s*[+-]?inf(inity)?\s*$"), flag=q.lit("i"))
    nonzero_digits = exp.RegexpLike(this=value.copy(), expression=q.lit(r"^\s*[+-]?[0-9]*\.?[0-9]*[1-9]"))
    in_range = exp.Case(
        ifs=[
            exp.If(this=exp.Anonymous(this="ISINF", expressions=[number.copy()]), true=spelled_infinite),
            exp.If(this=exp.EQ(this=number.copy(), expression=q.lit(0)), true=exp.Not(this=nonzero_digits)),
        ],
        default=exp.Boolean(this=True),
    )
    separators = exp.Not(this=exp.Anonymous(this="CONTAINS", expressions=[value.copy(), q.lit("_")]))
    exact = q.and_all([exp.Not(this=exp.Is(this=number.copy(), expression=exp.Null())), separators, in_range])
    # most values are far inside the range: one cast and the separator test (the whole check
    # costs 2.5 times the cast, on the millions of values of a big file)
    usual = exp.Between(
        this=exp.Abs(this=number.copy()), low=exp.Literal.number("1e-300"), high=exp.Literal.number("1e300")
    )
    return exp.Case(ifs=[exp.If(this=usual, true=separators.copy())], default=exact)


# What a date or time column may hold, in the ingest session's time zone (UTC): year 1 to 9999.
_RANGE = {
    "date": ("DATE", "0001-01-01", "9999-12-31"),
    "timestamp": ("TIMESTAMP", "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999"),
    "timestamptz": ("TIMESTAMPTZ", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00"),
}


def _parsed(column: m.Column) -> exp.Expression:
    """A (valid) date or time text as its type: by the column's format, else by DuckDB's cast."""
    value, fmt = _text(column.name), getattr(column, "format", None)
    if fmt:
        return _formatted(value, fmt, column.portable_type.name)
    return exp.TryCast(this=value, to=exp.DataType.build(_RANGE[column.portable_type.name][0]))


# The types a column's `format` reads (strptime), and what its parse is cast to: a format
# without %z reads a time without an offset, which a timestamptz column takes as UTC (the
# session's zone); lint refuses %z and %Z in the others' formats (E218).
_FORMATTED = {"date": "DATE", "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMPTZ"}


def _formatted(value: exp.Expression, fmt: str, kind: str) -> exp.Expression:
    return q.cast(_strptime(value, fmt), _FORMATTED[kind])


# A date or time text without a `format`: ISO 8601 and nothing after it (an offset right after
# the time, for a timestamp column then checked against its UTC instant). DuckDB's cast reads a
# leading part of much more and drops the rest: ' BC', an offset after a space, a zone name.
_ISO = r"^\s*\d{4,}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
# An offset right after a time whose hours pass 15 or whose minutes pass 59
_OFFSET_OUT_OF_RANGE = r"\d:\d{2}(:\d{2}(\.\d+)?)?\s*[+-]((1[6-9]|[2-9]\d)(:?\d{2})?|\d{2}:?[6-9]\d)\s*$"
# Seconds with a non-zero digit past the sixth of their fraction (DuckDB's cast cuts it off)
_FINER_THAN_MICROSECONDS = r":\d{2}\.\d{6}\d*[1-9]"
_ISO_SHAPES = {"date": _ISO + r"\s*$", "timestamp": _ISO + r"(Z|[+-]\d{2}(:?\d{2})?)?\s*$"}


def _time_problems(column: m.Column) -> Iterator[tuple[exp.Expression, str]]:
    """(condition, why) for a valid date or time text that would still not load as written."""
    kind = column.portable_type.name
    if kind not in _RANGE:
        return
    if kind in _ISO_SHAPES and not getattr(column, "format", None):
        iso = exp.RegexpLike(this=_text(column.name), expression=q.lit(_ISO_SHAPES[kind]))
        why = "' is not an ISO 8601 date or time (YYYY-MM-DD[ HH:MM[:SS[.f]]]): DuckDB would read a part of it"
        yield exp.Not(this=iso), why + " and drop the rest (declare the column's `format` to read other shapes)"
    name, low, high = _RANGE[kind]
    parsed = _parsed(column)
    bounds = exp.Between(
        this=parsed,
        low=exp.Cast(this=q.lit(low), to=exp.DataType.build(name)),
        high=exp.Cast(this=q.lit(high), to=exp.DataType.build(name)),
    )
    yield exp.Not(this=bounds), "' is outside 0001-01-01 … 9999-12-31, the range every target holds"
    if kind != "date" and not getattr(column, "format", None):  # every target holds microseconds
        finer = exp.RegexpLike(this=_text(column.name), expression=q.lit(_FINER_THAN_MICROSECONDS))
        yield finer, "' has a fraction of a second finer than microseconds, which every target would cut off"
    if kind == "timestamptz":  # DuckDB reads +99 as 99 hours; PostgreSQL refuses past ±15:59
        beyond = exp.RegexpLike(this=_text(column.name), expression=q.lit(_OFFSET_OUT_OF_RANGE))
        yield beyond, "' has a UTC offset outside -15:59 … +15:59, which no time zone has"
    fmt = getattr(column, "format", None)
    if fmt and kind == "date":  # a format that reads a time of day: the date would drop it
        read = q.cast(_strptime(_text(column.name), fmt), "TIMESTAMP")
        dropped = exp.NEQ(this=read, expression=q.cast(parsed.copy(), "TIMESTAMP"))
        yield dropped, "' has a time of day, which a date column would drop (declare it timestamp)"
    if fmt or kind == "timestamptz":
        return
    text = _text(column.name)
    as_timestamp = exp.TryCast(this=text.copy(), to=exp.DataType.build("TIMESTAMP"))
    if kind == "timestamp":  # the instant an offset names, in UTC, against the text read without it
        instant = exp.TryCast(this=text.copy(), to=exp.DataType.build("TIMESTAMPTZ"))
        dropped = exp.NEQ(this=q.cast(instant, "TIMESTAMP"), expression=as_timestamp)
        yield dropped, "' has a UTC offset, which a timestamp column would drop (declare it timestamptz)"
    else:
        dropped = exp.NEQ(this=as_timestamp, expression=q.cast(parsed.copy(), "TIMESTAMP"))
        yield dropped, "' has a time of day, which a date column would drop (declare it timestamp)"


def _strptime(value: exp.Expression, fmt: str) -> exp.Expression:
    return exp.Anonymous(this="try_strptime", expressions=[value.copy(), q.lit(fmt)])


def typed(column: m.Column) -> exp.Expression:
    """The cast of a valid text value to the column's type (same rules as `_valid`)."""
    t = column.portable_type
    value = _text(column.name)
    fmt = getattr(column, "format", None)
    if t.name == "string":
        return value
    if t.name in ("integer", "bigint"):
        return q.cast(q.cast(value, "DECIMAL(38, 6)"), "INTEGER" if t.name == "integer" else "BIGINT")
    if t.name in _FORMATTED and fmt:
        return _formatted(value, fmt, t.name)
    if t.name == "boolean":
        return exp.In(this=_boolean_word(value), expressions=[q.lit(w) for w in _TRUE_WORDS])
    return q.cast(value, get_dialect("duckdb").column_type(t))


def _problems(column: m.Column, undecodable: frozenset[str]) -> Iterator[tuple[exp.Expression, exp.Expression]]:
    """(condition, why) for each way a value of `column` cannot load, in the order checked."""
    if column.name in undecodable:  # checked first: its text is NULL
        flag = exp.Column(this=exp.Identifier(this=bytes_flag(column.name), quoted=True), table=q.ident(RAW))
        why = (
            f"column '{column.name}' holds bytes that are not UTF-8 text (a binary Parquet column): deliver "
            "it as a string column, or its bytes as UTF-8"
        )
        yield exp.Is(this=flag, expression=exp.Boolean(this=True)), q.lit(why)
    text = _text(column.name)
    is_null = exp.Is(this=text, expression=exp.Null())
    present = exp.Not(this=is_null.copy())
    if not column.nullable:
        yield is_null, q.lit(f"column '{column.name}' is empty but not nullable")
    ptype = column.portable_type
    if ptype.name != "string":
        shown = exp.Concat(
            expressions=[q.lit(f"column '{column.name}': '"), text.copy(), q.lit(f"' is not a valid {column.type}")]
        )
        yield exp.And(this=present, expression=exp.Not(this=exp.Paren(this=_valid(column)))), shown
        for condition, why in _time_problems(column):  # checked once the text is valid: CASE stops at the first
            told = exp.Concat(expressions=[q.lit(f"column '{column.name}': '"), text.copy(), q.lit(why)])
            yield exp.And(this=present.copy(), expression=exp.Paren(this=condition)), told
        return
    nul = exp.Anonymous(this="CONTAINS", expressions=[text.copy(), exp.Chr(expressions=[q.lit(0)])])
    why = f"column '{column.name}' holds a NUL character (U+0000), which PostgreSQL and Redshift cannot store"
    yield exp.And(this=present.copy(), expression=nul), q.lit(why)
    # Redshift's VARCHAR counts bytes, 65535 at most (AWS "Character types"), and a COPY from
    # Parquet has no TRUNCATECOLUMNS: a longer value would fail the load there, not here
    size = exp.Anonymous(this="STRLEN", expressions=[text.copy()])  # DuckDB's STRLEN: UTF-8 bytes
    wider = exp.GT(this=size, expression=q.lit(REDSHIFT_VARCHAR_BYTES))
    shown = exp.Concat(
        expressions=[
            q.lit(f"column '{column.name}' holds "),
            q.cast(size.copy(), "VARCHAR"),
            q.lit(f" bytes of UTF-8, more than the {REDSHIFT_VARCHAR_BYTES:,} a Redshift VARCHAR holds"),
        ]
    )
    yield exp.And(this=present.copy(), expression=wider), shown
    if ptype.length:
        length = exp.Length(this=text.copy())
        longer = exp.GT(this=length, expression=q.lit(ptype.length))
        shown = exp.Concat(
            expressions=[
                q.lit(f"column '{column.name}' holds "),
                q.cast(length.copy(), "VARCHAR"),
                q.lit(f" characters, more than its {ptype}"),
            ]
        )
        yield exp.And(this=present, expression=longer), shown


def reason(columns: tuple[m.Column, ...], undecodable: frozenset[str] = frozenset()) -> exp.Expression:
    """Why a row cannot load (the first problem), or NULL. `undecodable`: as read_parquet_text's."""
    ifs = [exp.If(this=condition, true=why) for column in columns for condition, why in _problems(column, undecodable)]
    return exp.Case(ifs=ifs) if ifs else exp.Null()


def failing_column(columns: tuple[m.Column, ...], undecodable: frozenset[str] = frozenset()) -> exp.Expression:
    """The column `reason` names (the first that fails), or NULL."""
    ifs = [
        exp.If(this=condition, true=q.lit(column.name))
        for column in columns
        for condition, _ in _problems(column, undecodable)
    ]
    return exp.Case(ifs=ifs) if ifs else exp.Null()
