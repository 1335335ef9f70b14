"""Redshift's values off Redshift: AST rewrites for DuckDB and PostgreSQL, and what cannot be made exact.

Model SQL is written in Redshift's dialect and sqlglot spells it for the other targets, but
spelling is not meaning: DuckDB's CONCAT skips NULLs, its AVG of integers is fractional, and
sqlglot's TO_CHAR formats lose tokens (`Mon`). Two functions keep the promise "what passes lint
computes Redshift's values everywhere, or is refused":

- `translate(statement, target)` rewrites a statement just before it is rendered for "duckdb"
  or "postgres" (wired into each dialect's `prepare`), so the target computes what Redshift
  computes. It only rewrites what it can make exact; everything else is left as it is.
- `refusals(statement)` lists every construct `translate` cannot make exact on both targets,
  each with a message naming the construct and what to write instead. The caller (lint)
  reports each as E410 at the node (`node.meta` has the line and column of a parsed node).

A construct is either exact on every target or refused: never silently a different value.
The parity matrix (tests/support/parity_cases.py) runs each construct on DuckDB and PostgreSQL
against the value Redshift's documentation gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from framework import errors

TARGETS = ("duckdb", "postgres")
Refusal = tuple[exp.Expr, str]

INTEGER_TYPES = (exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.TINYINT)
NUMBER_TYPES = exp.DataType.NUMERIC_TYPES
DOUBLE_TYPES = (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT)
DECIMAL_TYPES = (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL)
DATETIME_TYPES = (
    exp.DataType.Type.DATE,
    exp.DataType.Type.DATETIME,
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.TIMESTAMPLTZ,
)
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
# Of a double, a double; of anything else, not (whatever sqlglot's typing says)
SAME_TYPE_AS_ARGUMENT = (exp.Round, exp.Abs, exp.Ceil, exp.Floor, exp.Sum, exp.Min, exp.Max)
# DATEDIFF parts whose Redshift meaning (boundaries crossed) we can spell on both targets.
DATEDIFF_PARTS = ("YEAR", "QUARTER", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
# EXTRACT / DATE_PART parts that mean the same on every target (sqlglot reads both as EXTRACT,
# but Redshift's DATE_PART(second, …) keeps the fraction while EXTRACT drops it).
EXTRACT_PARTS = ("YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "DOW", "DAYOFWEEK", "DOY", "DAYOFYEAR")


# --- TO_CHAR / TO_DATE / TO_TIMESTAMP formats ---------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One Redshift datetime-format token: its strftime spelling, or how to compute it."""

    strftime: str = ""  # a DuckDB strftime specifier, when one gives exactly Redshift's text
    case: str = ""  # "upper" / "lower": Redshift spells the name in that case
    pad: int = 0  # Redshift pads MONTH/DAY names with blanks to 9 characters (like PostgreSQL)
    compute: str = ""  # a computed piece (no strftime specifier gives it): see _computed
    parse: bool = False  # DuckDB's strptime reads it back exactly (TO_DATE / TO_TIMESTAMP)


# Case-sensitive names first, then the numeric tokens (any case), longest first: the order is
# the tokenizer's preference (HH24 before HH, MONTH before MON before MM …). Source: AWS
# "Datetime format strings" (https://docs.aws.amazon.com/redshift/latest/dg/r_FORMAT_strings.html).
NAME_TOKENS: dict[str, Token] = {
    "MONTH": Token("%B", case="upper", pad=9),
    "Month": Token("%B", pad=9),
    "month": Token("%B", case="lower", pad=9),
    "MON": Token("%b", case="upper"),
    "Mon": Token("%b"),
    "mon": Token("%b", case="lower"),
    "DAY": Token("%A", case="upper", pad=9),
    "Day": Token("%A", pad=9),
    "day": Token("%A", case="lower", pad=9),
    "DY": Token("%a", case="upper"),
    "Dy": Token("%a"),
    "dy": Token("%a", case="lower"),
    "A.M.": Token(compute="a.m.", case="upper"),
    "P.M.": Token(compute="a.m.", case="upper"),
    "a.m.": Token(compute="a.m."),
    "p.m.": Token(compute="a.m."),
    "AM": Token("%p", parse=True),
    "PM": Token("%p", parse=True),
    "am": Token("%p", case="lower"),
    "pm": Token("%p", case="lower"),
}
NUMBER_TOKENS: dict[str, Token] = {
    "HH24": Token("%H", parse=True),
    "HH12": Token("%I", parse=True),
    "YYYY": Token("%Y", parse=True),
    "YYY": Token(compute="YYY"),
    "DDD": Token("%j"),
    "HH": Token("%I", parse=True),
    "YY": Token("%y"),
    "MM": Token("%m", parse=True),
    "DD": Token("%d", parse=True),
    "MI": Token("%M", parse=True),
    "SS": Token("%S", parse=True),
    "MS": Token("%g", parse=True),
    "US": Token("%f", parse=True),
    "IW": Token("%V"),
    "WW": Token(compute="WW"),
    "Y": Token(compute="Y"),
    "D": Token(compute="D"),
    "Q": Token(compute="Q"),
    "W": Token(compute="W"),
    "J": Token(compute="J"),
}
_NAME_ORDER = sorted(NAME_TOKENS, key=len, reverse=True)
_NUMBER_ORDER = sorted(NUMBER_TOKENS, key=len, reverse=True)


class FormatError(errors.CompileError):
    """A format string with a token we cannot compute exactly (the message names it); caught
    here and turned into a refusal, never raised out of this module."""


def redshift_format(node: exp.Expression) -> str | None:
    """The format text Redshift runs for a TO_CHAR / TO_DATE / TO_TIMESTAMP node, None when not
    a literal. sqlglot turned it into strftime text when parsing; the Redshift target spells it
    back with Redshift's inverse mapping, so that spelling is what Redshift executes."""
    from sqlglot.dialects.redshift import Redshift
    from sqlglot.time import format_time

    fmt = node.args.get("format")
    if not isinstance(fmt, exp.Literal) or not fmt.is_string:
        return None
    return format_time(fmt.this, Redshift.INVERSE_TIME_MAPPING, Redshift.INVERSE_TIME_TRIE)


def tokenize(fmt: str) -> list[tuple[str, Token | None]]:
    """(text, token) pairs; token None is literal text (separators and "quoted" text)."""
    pieces: list[tuple[str, Token | None]] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == '"':  # quoted literal text, copied as it is
            end = fmt.find('"', i + 1)
            if end < 0:
                raise FormatError("an unclosed double quote")
            pieces.append((fmt[i + 1 : end], None))
            i = end + 1
            continue
        if fmt[i : i + 5].upper() == "Y,YYY":  # the year with a comma: read as Y "," YYY it writes 4,024
            raise FormatError("the format token 'Y,YYY'")
        name = next((t for t in _NAME_ORDER if fmt.startswith(t, i)), None)
        if name:
            pieces.append((name, NAME_TOKENS[name]))
            i += len(name)
            continue
        number = next((t for t in _NUMBER_ORDER if fmt[i : i + len(t)].upper() == t), None)
        if number:
            pieces.append((fmt[i : i + len(number)], NUMBER_TOKENS[number]))
            i += len(number)
            continue
        if fmt[i].isalpha():  # FM, TZ, OF, IYYY, a stray letter: no exact DuckDB spelling
            word = re.match(r"[A-Za-z]+", fmt[i:])
            raise FormatError(f"the format token {word.group(0) if word else fmt[i]!r}")
        pieces.append((fmt[i], None))
        i += 1
    return pieces


def _strftime(value: exp.Expression, fmt: str) -> exp.Expression:
    return exp.TimeToStr(this=value.copy(), format=exp.Literal.string(fmt))


def _int_part(value: exp.Expression, spec: str) -> exp.Expression:
    return exp.Cast(this=_strftime(value, spec), to=exp.DataType.build("INT"))


def _text(number: exp.Expression) -> exp.Expression:
    return exp.Cast(this=number, to=exp.DataType.build("VARCHAR"))


def _one_based_week(day: exp.Expression) -> exp.Expression:
    """(day - 1) // 7 + 1: weeks counted from day 1 in blocks of seven (Redshift W and WW)."""
    sub = exp.Sub(this=day, expression=exp.Literal.number(1))
    return exp.Add(
        this=exp.IntDiv(this=exp.Paren(this=sub), expression=exp.Literal.number(7)), expression=exp.Literal.number(1)
    )


def _computed(value: exp.Expression, kind: str) -> exp.Expression:
    """Tokens no strftime specifier spells, as DuckDB expressions giving Redshift's text."""
    if kind == "Y":
        return exp.Right(this=_strftime(value, "%Y"), expression=exp.Literal.number(1))
    if kind == "YYY":
        return exp.Right(this=_strftime(value, "%Y"), expression=exp.Literal.number(3))
    if kind == "D":  # Redshift D is 1-7 from Sunday; %w is 0-6 from Sunday
        return _text(exp.Add(this=_int_part(value, "%w"), expression=exp.Literal.number(1)))
    if kind == "Q":
        month = _int_part(value, "%m")
        return _text(
            exp.IntDiv(
                this=exp.Paren(this=exp.Add(this=month, expression=exp.Literal.number(2))),
                expression=exp.Literal.number(3),
            )
        )
    if kind == "W":
        return _text(_one_based_week(_int_part(value, "%d")))
    if kind == "WW":  # two digits, like PostgreSQL's
        return exp.Pad(
            this=_text(_one_based_week(_int_part(value, "%j"))),
            expression=exp.Literal.number(2),
            fill_pattern=exp.Literal.string("0"),
            is_left=True,
        )
    if kind == "J":  # Julian day number: 1970-01-01 is day 2440588
        days = exp.DateDiff(
            this=exp.Cast(this=value.copy(), to=exp.DataType.build("DATE")),
            expression=exp.Cast(this=exp.Literal.string("1970-01-01"), to=exp.DataType.build("DATE")),
            unit=exp.var("DAY"),
        )
        return _text(exp.Add(this=days, expression=exp.Literal.number(2440588)))
    # a.m. / p.m.: %p gives AM / PM
    hour = _int_part(value, "%H")
    return exp.If(
        this=exp.LT(this=hour, expression=exp.Literal.number(12)),
        true=exp.Literal.string("a.m."),
        false=exp.Literal.string("p.m."),
    )


def _piece(value: exp.Expression, text: str, token: Token) -> exp.Expression:
    piece = _computed(value, token.compute) if token.compute else _strftime(value, token.strftime)
    if token.pad:
        piece = exp.Pad(
            this=piece, expression=exp.Literal.number(token.pad), fill_pattern=exp.Literal.string(" "), is_left=False
        )
    if token.case == "upper":
        piece = exp.Upper(this=piece)
    elif token.case == "lower":
        piece = exp.Lower(this=piece)
    return piece


def duckdb_to_char(value: exp.Expression, fmt: str) -> exp.Expression:
    """TO_CHAR(value, fmt) as DuckDB: runs of plain specifiers and literal text share one
    STRFTIME; names in a case, padded names and computed tokens are pieces of their own,
    joined with || (never NULL-skipping CONCAT: a NULL value gives NULL, as on Redshift)."""
    parts: list[exp.Expression] = []
    run = ""
    for text, token in tokenize(fmt):
        if token is None or (token.strftime and not token.case and not token.pad and not token.compute):
            run += text.replace("%", "%%") if token is None else token.strftime
            continue
        if run:
            parts.append(_strftime(value, run))
            run = ""
        parts.append(_piece(value, text, token))
    if run or not parts:
        parts.append(_strftime(value, run))
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=False)
    return result


def strptime_format(fmt: str) -> str:
    """A TO_DATE / TO_TIMESTAMP format as a DuckDB strptime format (only tokens it reads exactly)."""
    out = ""
    for text, token in tokenize(fmt):
        if token is None:
            out += text.replace("%", "%%")
        elif token.parse:
            out += token.strftime
        else:
            raise FormatError(f"the format token {text!r} when parsing text")
    return out


# --- rewrites ------------------------------------------------------------------------------------


def _is_integer(node: exp.Expression | None) -> bool:
    return node is not None and node.type is not None and node.type.this in INTEGER_TYPES


def _is_number(node: exp.Expression | None) -> bool:
    return node is not None and node.type is not None and node.type.this in NUMBER_TYPES


def _avg(node: exp.Avg, target: str) -> exp.Expression | None:
    # AWS AVG: for SMALLINT/INTEGER/BIGINT arguments the result is a BIGINT, the fraction
    # truncated. DuckDB gives a DOUBLE, PostgreSQL a NUMERIC: truncate and cast back.
    averaged = _averaged(node)
    if _is_decimal(averaged) and _decimal_size(averaged.type) is not None:
        return _decimal_mean(node, target)
    if not _is_integer(averaged):
        return None
    if isinstance(node.parent, exp.Window):  # AVG(…) OVER (…): the window is the value
        window = node.parent
        window.replace(_truncated(window.copy()))
        return None
    return _truncated(node.copy())


def _averaged(node: exp.Avg) -> exp.Expression:
    """The averaged value: AVG(DISTINCT x)'s x too."""
    argument = node.this
    if isinstance(argument, exp.Distinct) and len(argument.expressions) == 1:
        return argument.expressions[0]
    return argument


def _decimal_mean(node: exp.Avg, target: str) -> exp.Expression | None:
    # AWS AVG: a DECIMAL(p, s) argument gives a DEC(38, s) ("the scale of the result is the same
    # as the scale of the argument"). DuckDB averages a DECIMAL as a DOUBLE and PostgreSQL to 16
    # places or more. The mean is made Redshift's type there, rounded half away from zero at its
    # scale, as a DECIMAL quotient is (AWS gives the scale, not the rounding): on DuckDB computed
    # in integers from SUM and COUNT, which are exact.
    _, scale = _decimal_size(_averaged(node).type) or (38, 0)
    mean_type = exp.DataType.build(f"DECIMAL(38, {scale})")
    window = node.parent if isinstance(node.parent, exp.Window) and node.arg_key == "this" else None
    mean: exp.Expression
    if target == "postgres":
        mean = exp.Cast(this=(window or node).copy(), to=mean_type)
    else:
        total = _over(window, exp.Sum(this=node.this.copy()))
        count = _over(window, exp.Count(this=node.this.copy()))
        total.type = exp.DataType.build(f"DECIMAL(38, {scale})")
        count.type = exp.DataType.build("BIGINT")
        mean = _decimal_division(total, count, (38, scale), (19, 0), mean_type)
    mean.type = mean_type
    if window is None:
        return mean
    window.replace(mean)  # AVG(…) OVER (…): the window is the value
    return None


def _over(window: exp.Window | None, aggregate: exp.Expression) -> exp.Expression:
    """`aggregate` over the same window as the AVG it stands for (itself when there is none)."""
    if window is None:
        return aggregate
    copied = window.copy()
    copied.set("this", aggregate)
    return copied


def _truncated(value: exp.Expression) -> exp.Expression:
    return exp.Cast(this=exp.Trunc(this=value), to=exp.DataType.build("BIGINT"))


def _concat(node: exp.Concat, target: str) -> exp.Expression | None:
    # Redshift CONCAT is NULL when either side is NULL (like ||); DuckDB's and PostgreSQL's
    # CONCAT skip NULLs. || propagates NULL on both.
    args = node.expressions
    result = args[0]
    for arg in args[1:]:
        result = exp.DPipe(this=result, expression=arg, safe=False)
    return exp.Paren(this=result)


def _to_char(node: exp.TimeToStr, target: str) -> exp.Expression | None:
    fmt = redshift_format(node)
    if fmt is None or _is_number(node.this) or _checked_format(fmt) is not None:
        return None  # refused (see refusals); left as sqlglot spells it
    value = node.this
    if target == "postgres":
        # PostgreSQL has Redshift's TO_CHAR: keep Redshift's text (sqlglot's own spelling turns
        # MONTH into TMMonth, a different value).
        return exp.Anonymous(this="TO_CHAR", expressions=[value, exp.Literal.string(fmt)])
    if value.type is None or not value.type.is_type(*exp.DataType.TEMPORAL_TYPES):
        value = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    return duckdb_to_char(value, fmt)


def _str_to_time(node: exp.StrToDate | exp.StrToTime, target: str) -> exp.Expression | None:
    fmt = redshift_format(node)
    if fmt is None or _checked_parse_format(fmt) is not None:
        return None
    name = "TO_DATE" if isinstance(node, exp.StrToDate) else "TO_TIMESTAMP"
    if target == "postgres":  # PostgreSQL has both, with Redshift's format text
        return exp.Anonymous(this=name, expressions=[node.this, exp.Literal.string(fmt)])
    parsed = exp.StrToTime(this=node.this, format=exp.Literal.string(strptime_format(fmt)))
    # Redshift TO_TIMESTAMP returns TIMESTAMPTZ (the session is UTC on every target)
    to = "DATE" if name == "TO_DATE" else "TIMESTAMPTZ"
    return exp.Cast(this=parsed, to=exp.DataType.build(to))


def _part(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


def _boundary(value: exp.Expression, part: str) -> exp.Expression:
    return exp.TimestampTrunc(this=exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP")), unit=exp.var(part))


def _epoch(value: exp.Expression) -> exp.Expression:
    return exp.Extract(this=exp.var("EPOCH"), expression=value)


def _months(value: exp.Expression) -> exp.Expression:
    ts = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    year = exp.Extract(this=exp.var("YEAR"), expression=ts)
    month = exp.Extract(this=exp.var("MONTH"), expression=ts.copy())
    return exp.Paren(this=exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=month))


def _datediff(node: exp.Expression, target: str) -> exp.Expression | None:
    # Redshift DATEDIFF counts the part's boundaries crossed. DuckDB's DATE_DIFF does too for
    # these parts; sqlglot's PostgreSQL spelling (AGE) counts whole elapsed parts instead.
    part = _part(node)
    if target != "postgres" or part not in DATEDIFF_PARTS:
        return None
    start, end = node.expression, node.this
    if part in ("YEAR", "QUARTER", "MONTH"):
        diff: exp.Expression = exp.Sub(this=_months(end), expression=_months(start))
        size = {"YEAR": 12, "QUARTER": 3, "MONTH": 1}[part]
        if part != "MONTH":  # boundaries of years / quarters: compare the truncated months
            diff = exp.Sub(this=_months(_boundary(end.copy(), part)), expression=_months(_boundary(start.copy(), part)))
        counted: exp.Expression = exp.Div(this=exp.Paren(this=diff), expression=exp.Literal.number(size))
    else:
        seconds = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}[part]
        diff = exp.Sub(this=_epoch(_boundary(end, part)), expression=_epoch(_boundary(start, part)))
        counted = exp.Div(this=exp.Paren(this=diff), expression=exp.Literal.number(seconds))
    return exp.Cast(this=counted, to=exp.DataType.build("BIGINT"))


def _dateadd(node: exp.Expression, target: str) -> exp.Expression | None:
    # Not a value difference: DuckDB reads `INTERVAL 30 DAY` back as `INTERVAL '30' DAY`, so a
    # literal count is written quoted and the statement survives the compile's round trip.
    amount = node.expression
    if target != "duckdb" or not isinstance(amount, exp.Literal) or amount.is_string:
        return None
    node.set("expression", exp.Literal.string(amount.this))
    return None


def _boolean_aggregate(node: exp.LogicalOr | exp.LogicalAnd, target: str) -> exp.Expression | None:
    # Not a value difference: sqlglot spells BOOL_OR / BOOL_AND for DuckDB with a CAST(… AS
    # BOOLEAN) of an argument not typed boolean, so the typed tree (`n > 5`, a boolean column)
    # renders without it and its text parses back untyped, with it. The CAST written in the
    # tree (a no-op on a boolean) makes both renderings the same text.
    arg = node.this
    if target != "duckdb" or (isinstance(arg, exp.Cast) and arg.is_type(exp.DataType.Type.BOOLEAN)):
        return None
    node.set("this", exp.Cast(this=arg, to=exp.DataType.build("BOOLEAN")))
    return None


def _trunc(node: exp.Trunc, target: str) -> exp.Expression | None:
    # Redshift TRUNC(timestamp) is the timestamp's date (AWS "TRUNC function"); DuckDB and
    # PostgreSQL truncate numbers only. TRUNC of a number is left as it is.
    value = node.this
    if node.args.get("decimals") or value.type is None or not value.type.is_type(*DATETIME_TYPES):
        return None
    return exp.Cast(this=value, to=exp.DataType.build("DATE"))


def _octet_length(node: exp.Anonymous, target: str) -> exp.Expression | None:
    # Redshift OCTET_LENGTH(text) counts the bytes of its UTF-8 text, as PostgreSQL's does;
    # DuckDB's takes a BLOB only, and its STRLEN counts the bytes of a VARCHAR.
    if target != "duckdb" or node.name.upper() != "OCTET_LENGTH" or len(node.expressions) != 1:
        return None
    return exp.Anonymous(this="STRLEN", expressions=node.expressions)


_SIZED_TEXT = (
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.NVARCHAR,
    exp.DataType.Type.CHAR,
    exp.DataType.Type.NCHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.BPCHAR,
)


def _sized_text_cast(node: exp.Cast, target: str) -> exp.Expression | None:
    # CAST(x AS VARCHAR(n)), Redshift's everyday idiom: Redshift and PostgreSQL cut the text to
    # its first n (Redshift: bytes; here characters, as PostgreSQL counts); DuckDB ignores the
    # length, and sqlglot spells it TEXT(n), which does not parse back. VARCHAR(MAX) is text.
    to = node.to
    if not to.is_type(*_SIZED_TEXT) or not to.expressions:
        return None
    size = to.expressions[0].this if isinstance(to.expressions[0], exp.DataTypeParam) else to.expressions[0]
    text = type(node)(this=node.this, to=exp.DataType.build("TEXT"))
    if isinstance(size, exp.Literal) and size.is_int and target == "duckdb":
        return exp.Left(this=text, expression=size.copy())
    if isinstance(size, exp.Var) and size.name.upper() == "MAX":
        return text
    return None


def _substring(node: exp.Substring, target: str) -> exp.Expression | None:
    # Redshift (and PostgreSQL) read SUBSTRING(s, start, n) as the characters at positions start
    # … start + n - 1 that exist: SUBSTRING('caterpillar', -2, 6) is 'cat' (AWS's example);
    # DuckDB counts a start below 1 from the end ('ar'). The same positions, from 1 at least.
    start, length = node.args.get("start"), node.args.get("length")
    if target != "duckdb" or start is None:
        return None
    if isinstance(start, exp.Literal) and start.is_int and int(start.this) >= 1:
        return None
    first = exp.Greatest(this=start.copy(), expressions=[exp.Literal.number(1)])
    node.set("start", first)
    if length is not None:
        end = exp.Sub(this=exp.Add(this=start.copy(), expression=length.copy()), expression=first.copy())
        node.set("length", exp.Greatest(this=exp.Paren(this=end), expressions=[exp.Literal.number(0)]))
    return None


def _never_zero(divisor: exp.Expression) -> bool:
    """A non-zero number, or NULLIF(…, 0): the idiom that already turns a zero into NULL."""
    if isinstance(divisor, exp.Paren):
        return _never_zero(divisor.this)
    if isinstance(divisor, exp.Literal) and not divisor.is_string:
        return float(divisor.this) != 0
    zero = divisor.expression if isinstance(divisor, exp.Nullif) else None
    return isinstance(zero, exp.Literal) and not zero.is_string and float(zero.this) == 0


def _division(node: exp.Div, target: str) -> exp.Expression | None:
    # Redshift (and PostgreSQL) fail the statement on a division by zero; DuckDB's `/` gives
    # infinity for a DECIMAL or DOUBLE (stored as such in a double column). The divisor fails
    # as Redshift does when it is 0 (CASE evaluates it for those rows only, so a division
    # guarded by CASE WHEN y = 0 THEN NULL … stays guarded).
    divisor = node.expression
    if target not in TARGETS:
        return None
    sizes = _decimal_operands(node.this, divisor)
    if target == "postgres":
        # PostgreSQL's numeric quotient is exact to 16 places or more; Redshift's has its own
        # scale (10.25 / 3.0 is 3.4167): the quotient rounded to Redshift's type
        if sizes is not None and node.parent is not None:
            cast = exp.Cast(this=exp.Null(), to=_quotient_type(*sizes))
            node.replace(cast)
            cast.set("this", node)
        return None
    if not _never_zero(divisor):
        zero = exp.EQ(this=divisor.copy(), expression=exp.Literal.number(0))
        fail = exp.Anonymous(this="ERROR", expressions=[exp.Literal.string("division by zero")])
        checked = exp.Case(ifs=[exp.If(this=zero, true=fail)], default=divisor.copy())
        checked.type = divisor.type  # the division's rendering reads its operands' types
        node.set("expression", checked)
    if sizes is not None:
        # DuckDB divides a DECIMAL as a DOUBLE: 39.05 / 2.0 is 19.524999…, which a cast to two
        # decimals makes 19.52 where Redshift's DECIMAL quotient 19.5250 makes 19.53. In integers
        # instead: the dividend's digits, shifted to one place past the quotient's scale, divided
        # by the divisor's, then rounded half away from zero to that scale, as PostgreSQL's
        # numeric (Redshift's ancestor) rounds a quotient (AWS gives the scale, not the rounding).
        return _decimal_division(node.this, node.expression, *sizes)
    return None


def _multiplication(node: exp.Mul, target: str) -> exp.Expression | None:
    # Redshift's DECIMAL product has precision p1 + p2 + 1 (at most 38) and scale s1 + s2 (AWS,
    # "Computations with numeric values"); DuckDB keeps the wider operand's precision class and
    # fails a product past 18 digits ("Overflow in multiplication of DECIMAL(18)": the largest
    # decimal(18,4) times 2, which Redshift and PostgreSQL compute). Multiplied as DECIMAL(38, s)
    # there, then typed as Redshift's product (an exact cast: the scale is the same).
    if target != "duckdb":
        return None
    sizes = _decimal_operands(node.this, node.expression)
    if sizes is None:
        return None
    (p1, s1), (p2, s2) = sizes
    if p1 + p2 + 1 <= 18 or s1 + s2 > 38:
        return None  # DuckDB's own product holds it; or past any DECIMAL's scale (left as it is)
    product = exp.Mul(
        this=exp.Cast(this=node.this, to=exp.DataType.build(f"DECIMAL(38, {s1})")),
        expression=exp.Cast(this=node.expression, to=exp.DataType.build(f"DECIMAL(38, {s2})")),
    )
    product_type = exp.DataType.build(f"DECIMAL({min(38, p1 + p2 + 1)}, {s1 + s2})")
    typed = exp.Cast(this=product, to=product_type)
    typed.type = product_type
    return typed


def _decimal_division(
    dividend: exp.Expression,
    divisor: exp.Expression,
    first: tuple[int, int],
    second: tuple[int, int],
    quotient_type: exp.DataType | None = None,
) -> exp.Expression:
    """dividend / divisor as Redshift's DECIMAL(P, S) quotient (or `quotient_type`), computed
    exactly in HUGEINTs."""
    (_, s1), (_, s2) = first, second
    quotient_type = quotient_type or _quotient_type(first, second)
    precision, scale = _decimal_size(quotient_type) or (38, 4)

    def decimal(digits: int, places: int) -> exp.DataType:
        return exp.DataType.build(f"DECIMAL({digits}, {places})")

    def unscaled(value: exp.Expression, places: int) -> exp.Expression:  # 39.05 → 3905
        shifted = exp.Mul(
            this=exp.Cast(this=value, to=decimal(38, places)),
            expression=exp.Cast(this=exp.Literal.number(10**places), to=decimal(38, 0)),
        )
        return exp.Cast(this=shifted, to=exp.DataType.build("HUGEINT"))

    places = min(38, scale + 1)  # one digit more, which the cast to the quotient's type rounds
    widened = exp.Mul(
        this=unscaled(dividend, s1),
        expression=exp.Cast(this=exp.Literal.number(10 ** (places - s1 + s2)), to=exp.DataType.build("HUGEINT")),
    )
    digits = exp.IntDiv(this=widened, expression=unscaled(divisor, s2))  # truncated toward zero
    unit = exp.Cast(this=exp.Literal.number(f"0.{'0' * (places - 1)}1"), to=decimal(min(38, places + 1), places))
    value = exp.Mul(this=exp.Cast(this=digits, to=decimal(38, 0)), expression=unit)
    quotient = exp.Cast(this=value, to=quotient_type)
    quotient.type = quotient_type
    return quotient


def _quotient_type(first: tuple[int, int], second: tuple[int, int]) -> exp.DataType:
    """Redshift's DECIMAL quotient: scale max(4, s1 + p2 - s2 + 1), precision p1 - s1 + s2 +
    scale, each at most 38 (AWS, "Computations with numeric values")."""
    (p1, s1), (p2, s2) = first, second
    scale = min(38, max(4, s1 + p2 - s2 + 1))
    return exp.DataType.build(f"DECIMAL({min(38, p1 - s1 + s2 + scale)}, {scale})")


# the DECIMAL an integer operand of a DECIMAL computation counts as (AWS, "Computations with
# numeric values": INT2/INT4/INT8 with DECIMAL give DECIMAL)
_INTEGER_DIGITS = {exp.DataType.Type.SMALLINT: 5, exp.DataType.Type.INT: 10, exp.DataType.Type.BIGINT: 19}


def _decimal_operands(
    dividend: exp.Expression, divisor: exp.Expression
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The (precision, scale) of both operands of a DECIMAL division; None unless one is a
    DECIMAL of known size (a literal like 3.0 is one on Redshift) and the other one too or an
    integer."""
    first, second = _operand_size(dividend), _operand_size(divisor)
    if first is None or second is None or not (first[1] or second[1] or _is_decimal(dividend) or _is_decimal(divisor)):
        return None  # integers: an integer division, typed so already
    return first[0], second[0]


def _operand_size(node: exp.Expression) -> tuple[tuple[int, int], bool] | None:
    """((precision, scale), whether it is a decimal literal) of a division's operand."""
    literal = node.this if isinstance(node, exp.Neg) else node
    if isinstance(literal, exp.Literal) and not literal.is_string and "e" not in literal.this.lower():
        whole, _, fraction = literal.this.partition(".")
        if not fraction and "." not in literal.this:
            return (10 if abs(int(whole)) < 2**31 else 19, 0), False
        return (max(1, len(whole.lstrip("0")) + len(fraction)), len(fraction)), True
    size = _decimal_size(node.type)
    return (size, False) if size is not None else None


def _is_decimal(node: exp.Expression) -> bool:
    return node.type is not None and node.type.this == exp.DataType.Type.DECIMAL


def _decimal_size(data_type: exp.DataType | None) -> tuple[int, int] | None:
    if data_type is None:
        return None
    if data_type.this in _INTEGER_DIGITS:
        return _INTEGER_DIGITS[data_type.this], 0
    params = [p.this for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
    if data_type.this != exp.DataType.Type.DECIMAL or len(params) != 2:
        return None
    try:
        return int(params[0].name), int(params[1].name)
    except ValueError:
        return None


def _regexp_replace(node: exp.RegexpReplace, target: str) -> exp.Expression | None:
    # Redshift REGEXP_REPLACE replaces every match; DuckDB and PostgreSQL replace the first
    # one unless told 'g'.
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("modifiers"):
        return None
    return exp.RegexpReplace(
        this=node.this,
        expression=node.expression,
        replacement=node.args.get("replacement") or exp.Literal.string(""),
        modifiers=exp.Literal.string("g"),
    )


def _listagg(node: exp.WithinGroup, target: str) -> exp.Expression | None:
    # PostgreSQL spells LISTAGG … WITHIN GROUP (ORDER BY …) as STRING_AGG(…, sep ORDER BY …);
    # sqlglot writes a WITHIN GROUP PostgreSQL rejects.
    agg = node.this
    if target != "postgres" or not isinstance(agg, exp.GroupConcat):
        return None
    distinct = isinstance(agg.this, exp.Distinct)
    value = agg.this.expressions[0] if distinct else agg.this
    text = exp.Cast(this=value, to=exp.DataType.build("TEXT"))  # STRING_AGG takes text only
    orders = node.expression.expressions
    if distinct:  # PostgreSQL: with DISTINCT, ORDER BY only what is aggregated — the text, then
        orders = [_ordered_by(o, value, text) for o in node.expression.expressions]
    argument = exp.Distinct(expressions=[text]) if distinct else text
    ordered = exp.Order(this=argument, expressions=orders)
    return exp.GroupConcat(this=ordered, separator=agg.args.get("separator") or exp.Literal.string(""))


def _ordered_by(order: exp.Ordered, value: exp.Expression, text: exp.Expression) -> exp.Ordered:
    """An ORDER BY term of the aggregated value, as its text (else as it is)."""
    if order.this != value:
        return order
    copied = order.copy()
    copied.set("this", text.copy())
    return copied


def _decode(node: exp.DecodeCase, target: str) -> exp.Expression | None:
    # Redshift DECODE matches NULL with NULL (AWS, "DECODE function", usage notes: "If the
    # expression value and the search value are both NULL, the DECODE result is the
    # corresponding result value"); `a = b` never does. Spell each search as
    # `a = s OR (a IS NULL AND s IS NULL)` (a literal NULL search is already IS NULL).
    value, *rest = node.expressions
    ifs = []
    for search, result in zip(rest[0::2], rest[1::2]):
        if isinstance(search, exp.Null):
            condition: exp.Expression = exp.Is(this=value.copy(), expression=exp.Null())
        else:
            both_null = exp.And(
                this=exp.Is(this=value.copy(), expression=exp.Null()),
                expression=exp.Is(this=search.copy(), expression=exp.Null()),
            )
            condition = exp.Or(this=exp.EQ(this=value.copy(), expression=search), expression=exp.Paren(this=both_null))
        ifs.append(exp.If(this=condition, true=result))
    default = rest[-1] if len(rest) % 2 else None
    return exp.Case(ifs=ifs, default=default)


REWRITES: dict[type, Callable] = {
    exp.Avg: _avg,
    exp.Concat: _concat,
    exp.TimeToStr: _to_char,
    exp.StrToDate: _str_to_time,
    exp.StrToTime: _str_to_time,
    exp.DateDiff: _datediff,
    exp.TsOrDsDiff: _datediff,
    exp.TsOrDsAdd: _dateadd,
    exp.DateAdd: _dateadd,
    exp.RegexpReplace: _regexp_replace,
    exp.Trunc: _trunc,
    exp.Anonymous: _octet_length,
    exp.LogicalOr: _boolean_aggregate,
    exp.LogicalAnd: _boolean_aggregate,
    exp.WithinGroup: _listagg,
    exp.DecodeCase: _decode,
    exp.Cast: _sized_text_cast,
    exp.TryCast: _sized_text_cast,
    exp.Substring: _substring,
    exp.Div: _division,
    exp.Mul: _multiplication,
}


def translate(statement: exp.Expression, target: str) -> exp.Expression:
    """The statement rewritten in place so that `target` ("duckdb" / "postgres") computes
    Redshift's values; other targets get it unchanged. Only exact rewrites are made: what
    cannot be made exact is left alone here and reported by `refusals`."""
    if target not in TARGETS:
        return statement
    # Deepest nodes first: a rewrite reuses its (already rewritten) children and is not revisited.
    nodes = [n for n in statement.walk(bfs=False) if type(n) in REWRITES]
    for node in reversed(nodes):
        new = REWRITES[type(node)](node, target)
        if new is not None:
            if node is statement:
                statement = new
            else:
                node.replace(new)
    return statement


# --- refusals ------------------------------------------------------------------------------------


def _checked_format(fmt: str) -> str | None:
    try:
        tokenize(fmt)
    except FormatError as err:
        return str(err)
    return None


def _checked_parse_format(fmt: str) -> str | None:
    try:
        strptime_format(fmt)
    except FormatError as err:
        return str(err)
    return None


def _refuse_to_char(node: exp.TimeToStr) -> str | None:
    if _is_number(node.this):
        return "TO_CHAR of a number has no exact equivalent off Redshift; CAST the number AS VARCHAR instead"
    fmt = redshift_format(node)
    if fmt is None:
        return "TO_CHAR with a format that is not a string literal cannot be translated; write the format as a literal"
    problem = _checked_format(fmt)
    return (
        f"TO_CHAR format {fmt!r}: {problem} has no exact equivalent; use the tokens of Redshift's datetime format strings (quote literal text in double quotes)"
        if problem
        else None
    )


def _refuse_parse(node: exp.Expression) -> str | None:
    name = "TO_DATE" if isinstance(node, exp.StrToDate) else "TO_TIMESTAMP"
    if node.meta.get("arguments", 2) > 2:
        # sqlglot reads TO_DATE(s, fmt, is_strict) as TO_DATE(s, fmt): every warehouse would run
        # the two-argument call, which Redshift runs leniently (AWS TO_DATE: "When is_strict is
        # set to FALSE, which is the default, then overflow values are accepted")
        return (
            f"{name}'s third argument (is_strict) is not carried into the SQL the warehouses run: "
            f"write {name}(text, format) — a {'date' if name == 'TO_DATE' else 'time'} that does not exist "
            "then fails the build on DuckDB and PostgreSQL, and rolls over on Redshift (TO_DATE('20010631', "
            "'YYYYMMDD') is 2001-07-01 there)"
        )
    fmt = redshift_format(node)
    if fmt is None:
        return f"{name} with a format that is not a string literal cannot be translated; write the format as a literal"
    problem = _checked_parse_format(fmt)
    return (
        f"{name} format {fmt!r}: {problem} is not read exactly off Redshift; use numeric tokens (YYYY MM DD HH24 MI SS MS US) or CAST the text AS DATE / TIMESTAMP"
        if problem
        else None
    )


def _refuse_datediff(node: exp.Expression) -> str | None:
    part = _part(node)
    if part in DATEDIFF_PARTS:
        return None
    if part == "WEEK":
        return "DATEDIFF(week, …): the week boundary differs between engines; write DATEDIFF(day, DATE_TRUNC('week', a), DATE_TRUNC('week', b)) / 7"
    return f"DATEDIFF({part.lower()}, …) is not translated; use one of {', '.join(p.lower() for p in DATEDIFF_PARTS)}"


def _refuse_extract(node: exp.Extract) -> str | None:
    part = node.this.name.upper()
    if part in EXTRACT_PARTS:
        return None
    if part in ("SECOND", "SECONDS", "MILLISECOND", "MICROSECOND", "EPOCH"):
        return f"EXTRACT / DATE_PART({part.lower()}, …): Redshift's DATE_PART keeps the fraction and EXTRACT drops it, and both read the same here; compute it from DATEDIFF(second, …) or CAST(TO_CHAR(t, 'SS') AS INTEGER)"
    return f"EXTRACT / DATE_PART({part.lower()}, …) is not translated; use one of {', '.join(p.lower() for p in EXTRACT_PARTS)}"


def _is_double(node: exp.Expression) -> bool:
    """A DOUBLE PRECISION (or REAL) value on Redshift, by the annotated types. A literal like 2.5 is
    NUMERIC on Redshift though sqlglot types it DOUBLE, so arithmetic is a double only when one
    of its operands is, and ROUND / ABS / SUM … only when their argument is."""
    if isinstance(node, exp.Literal):
        return False
    if isinstance(node, (exp.Paren, exp.Neg, *SAME_TYPE_AS_ARGUMENT)):
        return _is_double(node.this)
    if isinstance(node, ARITHMETIC):
        return _is_double(node.this) or _is_double(node.expression)
    # of several values, one: a double when one of them is (sqlglot leaves these untyped)
    if isinstance(node, (exp.Least, exp.Greatest)):
        return any(_is_double(v) for v in (node.this, *node.expressions))
    if isinstance(node, exp.Nvl2):
        return any(_is_double(v) for v in (node.args.get("true"), node.args.get("false")) if v is not None)
    if isinstance(node, exp.DecodeCase):  # DECODE(x, search, result, …, default)
        values = node.expressions
        results = [*values[2::2], *(values[-1:] if len(values) % 2 == 0 else [])]
        return any(_is_double(v) for v in results)
    return node.type is not None and node.type.this in DOUBLE_TYPES


def _refuse_round(node: exp.Round) -> str | None:
    # PostgreSQL rounds a DOUBLE half to even (2.5 → 2); Redshift and DuckDB half away from zero.
    if _is_double(node.this) and not node.args.get("decimals"):
        return "ROUND of a DOUBLE PRECISION: PostgreSQL rounds halves to even; ROUND a DECIMAL instead (declare the column decimal(p,s) where it is loaded)"
    return None


def _refuse_cast_of_double(node: exp.Cast) -> str | None:
    # A double's binary value: DuckDB rounds it exactly (1.005 is 1.00499… → 1.00), PostgreSQL
    # rounds its 15-digit text (→ 1.01); as text DuckDB writes 100.0 and -0.0, PostgreSQL 100 and -0.
    if not _is_double(node.this):
        return None
    if node.to.is_type(*DECIMAL_TYPES):
        return (
            f"CAST of a DOUBLE PRECISION AS {node.to.sql(dialect='redshift')}: DuckDB and PostgreSQL round the "
            "binary value differently (1.005 → 1.00 / 1.01); declare the column decimal(p,s) where it is "
            "loaded (its source spec), so the value is exact, and cast or ROUND that"
        )
    if node.to.is_type(*exp.DataType.TEXT_TYPES):
        return (
            f"CAST of a DOUBLE PRECISION AS {node.to.sql(dialect='redshift')}: the engines write a double "
            "differently (100.0 / 100, -0.0 / -0); cast an exact value instead: a column declared decimal(p,s) "
            "where it is loaded, or an integer"
        )
    return None


def stored_as(node: exp.Expr, declared: exp.DataType) -> str | None:
    """Why a SELECT output `node` (annotated) stored into a column of type `declared` would be
    another value on DuckDB or PostgreSQL than on Redshift: the build casts it to the column's
    type as an explicit CAST would, so what refuses the CAST refuses it (adversarial round 54:
    `f AS x` into decimal(10,2) stored 1.00 on DuckDB, 1.01 on PostgreSQL). None when exact."""
    if isinstance(node, (exp.Floor, exp.Ceil)) and not node.args.get("decimals"):
        return None  # a whole number: exact in a decimal on every engine
    return _refuse_cast_of_double(exp.Cast(this=node, to=declared))


def _refuse_char(node: exp.DataType) -> str | None:
    if node.this in (exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR):
        return "CHAR(n): DuckDB has no blank-padded CHAR (LEN and comparisons ignore trailing blanks on Redshift); use VARCHAR"
    return None


def _refuse_listagg(node: exp.GroupConcat) -> str | None:
    if isinstance(node.parent, exp.WithinGroup):
        return None
    return (
        "LISTAGG without WITHIN GROUP (ORDER BY …): the order of the values is arbitrary; add WITHIN GROUP (ORDER BY …)"
    )


def _refuse_median(node: exp.Median) -> str | None:
    if _is_number(node.this):
        return None
    return "MEDIAN of a non-numeric (or untyped) value: interpolation differs between engines; MEDIAN a numeric column"


def _refuse_regexp_substr(node: exp.RegexpExtract) -> str | None:
    return "REGEXP_SUBSTR: PostgreSQL has no REGEXP_EXTRACT and the regular-expression flavours differ; use SPLIT_PART, SUBSTRING or POSITION"


def _refuse_regexp_instr(node: exp.RegexpInstr) -> str | None:
    # DuckDB has none: sqlglot spells it with STRING_SPLIT_REGEX, whose text does not parse back
    # the same (the run would stop at compile), and the regular-expression flavours differ
    return "REGEXP_INSTR: DuckDB has no REGEXP_INSTR and the regular-expression flavours differ; use POSITION or STRPOS"


def _refuse_regexp_replace(node: exp.RegexpReplace) -> str | None:
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("modifiers"):
        return "REGEXP_REPLACE with a position, occurrence or parameters is not translated; use the three-argument form"
    return None


_CLOCKS: dict[type, str] = {
    exp.CurrentDate: "CURRENT_DATE",
    exp.CurrentTimestamp: "GETDATE / SYSDATE / CURRENT_TIMESTAMP",
    exp.CurrentTime: "CURRENT_TIME",
    exp.Localtimestamp: "LOCALTIMESTAMP",
    exp.Localtime: "LOCALTIME",
    exp.Rand: "RANDOM",
    exp.Uuid: "a random UUID",
}
# what the session running the statement is: the same data would build other rows per warehouse
# (and write who ran it into the table)
_SESSION: dict[type, str] = {
    exp.CurrentUser: "CURRENT_USER / USER",
    exp.SessionUser: "SESSION_USER",
    exp.CurrentUserId: "CURRENT_USER_ID",
    exp.CurrentSchema: "CURRENT_SCHEMA",
    exp.CurrentDatabase: "CURRENT_DATABASE",
    exp.CurrentVersion: "VERSION",
}


def _refuse_session(node: exp.Expression) -> str | None:
    name = _SESSION[type(node)]
    return f"{name} is the session's, not the data's: each warehouse (and user) would build other rows, and the table would record who ran it; use a value from the data"


def _refuse_now(node: exp.Expression) -> str | None:
    name = _CLOCKS[type(node)]
    return f"{name} is not reproducible: a rebuild or a replay computes another value; use the batch date column (_batch_date) or a value from the data"


def _refuse_timestamptz(node: exp.Expression) -> str | None:
    if isinstance(node, exp.ConvertTimezone) or isinstance(node, exp.AtTimeZone):
        return "CONVERT_TIMEZONE / AT TIME ZONE: sqlglot's spelling changes which side is read as local time; keep timestamps in UTC (sessions are UTC on every target)"
    return None


def _refuse_text_of_double(node: exp.DPipe | exp.Concat) -> str | None:
    # `x || 'text'`, CONCAT(x, …) turn a double into text as CAST(x AS VARCHAR) does
    operands = [node.this, node.expression] if isinstance(node, exp.DPipe) else node.expressions
    if not any(_is_double(operand) for operand in operands):
        return None
    return (
        "a DOUBLE PRECISION concatenated as text: the engines write a double differently (100.0 / 100, "
        "-0.0 / -0); concatenate an exact value: a column declared decimal(p,s) where it is loaded, or an integer"
    )


def _refuse_similar_to(node: exp.SimilarTo) -> str | None:
    return "SIMILAR TO: DuckDB reads the pattern as a regular expression (% and _ are literal there); use LIKE, or ~ with a regular expression"


# Redshift functions with no spelling on DuckDB or PostgreSQL (the run would stop at "function
# does not exist"): refused at lint, with what to write instead where there is one.
_UNPORTABLE = {
    "RATIO_TO_REPORT": "divide by SUM(x) OVER (PARTITION BY …)",
    "REPLICATE": "use REPEAT",
    "CRC32": "use MD5",
    "FNV_HASH": "use MD5",
    "DATE_CMP": "compare with CASE WHEN a < b THEN -1 WHEN a > b THEN 1 ELSE 0 END",
    "TIMESTAMP_CMP": "compare with CASE WHEN a < b THEN -1 WHEN a > b THEN 1 ELSE 0 END",
    "QUOTE_IDENT": "",
    "QUOTE_LITERAL": "",
    "APPROXIMATE_PERCENTILE_DISC": "an estimate; use PERCENTILE_DISC",
    "CHECKSUM": "use MD5",
    "FUNC_SHA1": "use MD5",
    "DATE_PART_YEAR": "use EXTRACT(year FROM d)",
    "DEXP": "use EXP",
    "DLOG1": "use LN",
    "DLOG10": "use LOG",
    "DIFFERENCE": "",
    "OCTETINDEX": "use POSITION (characters, not bytes: the same for ASCII text)",
    "TEXT_TO_INT_ALT": "use CAST(… AS INTEGER)",
    "TEXT_TO_NUMERIC_ALT": "use CAST(… AS DECIMAL(p, s))",
    "IS_VALID_JSON": "",
    "IS_VALID_JSON_ARRAY": "",
    "JSON_EXTRACT_ARRAY_ELEMENT_TEXT": "",
    **dict.fromkeys(
        (
            "BPCHARCMP",
            "BTTEXT_PATTERN_CMP",
            "DATE_CMP_TIMESTAMP",
            "DATE_CMP_TIMESTAMPTZ",
            "INTERVAL_CMP",
            "TIMESTAMPTZ_CMP",
            "TIMESTAMP_CMP_DATE",
            "TIMESTAMP_CMP_TIMESTAMPTZ",
        ),
        "compare with CASE WHEN a < b THEN -1 WHEN a > b THEN 1 ELSE 0 END",
    ),
}


def _refuse_unportable(node: exp.Anonymous) -> str | None:
    name = node.name.upper()
    if name not in _UNPORTABLE:
        return None
    instead = _UNPORTABLE[name]
    return f"{name} has no equivalent on DuckDB or PostgreSQL" + (f"; {instead}" if instead else "")


# Redshift functions sqlglot parses to a node of their own, with no exact spelling off Redshift.
_UNPORTABLE_NODES: dict[type, str] = {
    exp.FromBase: "STRTOL has no equivalent on DuckDB or PostgreSQL",
    exp.AnyValue: "ANY_VALUE returns any row's value, and PostgreSQL 15 has none; use MIN or MAX",
    exp.ApproxDistinct: "APPROXIMATE COUNT(DISTINCT …) is an estimate that differs between engines; use COUNT(DISTINCT …)",
    exp.MonthsBetween: "MONTHS_BETWEEN is not translated exactly (fractions of months); use DATEDIFF(month, …)",
    exp.NextDay: "NEXT_DAY is not translated; compute it with DATEADD and EXTRACT(dow …)",
    exp.SHA: "SHA1 has no built-in equivalent on PostgreSQL; use MD5",
    exp.SHA2: "SHA2 has no built-in equivalent on PostgreSQL; use MD5",
    exp.TableSample: "TABLESAMPLE reads a random subset (a rebuild would differ) and Redshift has none; filter on the data",
}


def _refuse_named(node: exp.Expression) -> str | None:
    return _UNPORTABLE_NODES[type(node)]


def _refuse_collate(node: exp.Collate) -> str | None:
    return "COLLATE: the engines name their collations differently (DuckDB and PostgreSQL have no 'case_insensitive'); compare LOWER(a) = LOWER(b)"


def _refuse_trunc(node: exp.Trunc) -> str | None:
    if node.args.get("decimals") is not None and _is_double(node.this):
        return "TRUNC of a DOUBLE PRECISION to decimals: PostgreSQL truncates only a NUMERIC; TRUNC a DECIMAL instead (declare the column decimal(p,s) where it is loaded)"
    return None


def _refuse_window(node: exp.Window) -> str | None:
    """Windows PostgreSQL cannot compute: an ordered-set aggregate over a window, IGNORE NULLS."""
    function = node.this
    if isinstance(function, exp.WithinGroup) and isinstance(function.this, exp.GroupConcat):
        return "LISTAGG … OVER (…): PostgreSQL has no windowed STRING_AGG with an order; aggregate with GROUP BY and join back"
    if isinstance(function, exp.Median) or (
        isinstance(function, exp.WithinGroup) and isinstance(function.this, (exp.PercentileCont, exp.PercentileDisc))
    ):
        return "MEDIAN / PERCENTILE_CONT / PERCENTILE_DISC … OVER (…): PostgreSQL has no ordered-set aggregate over a window; aggregate with GROUP BY and join back"
    if isinstance(function, exp.IgnoreNulls):
        return "IGNORE NULLS: PostgreSQL has none; filter the NULLs out in a subquery, or use MAX(CASE …) over a frame"
    return None


def _refuse_add_months(node: exp.TsOrDsAdd) -> str | None:
    # sqlglot reads ADD_MONTHS as DATEADD(month, …): Redshift's ADD_MONTHS keeps a month's last
    # day at the last day (2024-02-29 + 1 → 2024-03-31), DATEADD keeps the day (2024-03-29)
    if node.meta.get("spelled") != "ADD_MONTHS":
        return None
    return "ADD_MONTHS: its month-end rule (the last day stays the last day) is not translated; write DATEADD(month, n, d) to keep the day of the month, or LAST_DAY(DATEADD(month, n, d)) for month ends"


CHECKS: dict[type, Callable] = {
    exp.TimeToStr: _refuse_to_char,
    exp.StrToDate: _refuse_parse,
    exp.StrToTime: _refuse_parse,
    exp.DateDiff: _refuse_datediff,
    exp.TsOrDsDiff: _refuse_datediff,
    exp.Extract: _refuse_extract,
    exp.Round: _refuse_round,
    exp.Cast: _refuse_cast_of_double,
    exp.DPipe: _refuse_text_of_double,
    exp.Concat: _refuse_text_of_double,
    exp.DataType: _refuse_char,
    exp.GroupConcat: _refuse_listagg,
    exp.Median: _refuse_median,
    exp.RegexpExtract: _refuse_regexp_substr,
    exp.RegexpInstr: _refuse_regexp_instr,
    exp.RegexpReplace: _refuse_regexp_replace,
    **dict.fromkeys(_CLOCKS, _refuse_now),
    **dict.fromkeys(_SESSION, _refuse_session),
    exp.ConvertTimezone: _refuse_timestamptz,
    exp.AtTimeZone: _refuse_timestamptz,
    exp.SimilarTo: _refuse_similar_to,
    exp.Anonymous: _refuse_unportable,
    exp.Trunc: _refuse_trunc,
    exp.Window: _refuse_window,
    exp.Collate: _refuse_collate,
    exp.TsOrDsAdd: _refuse_add_months,
    **dict.fromkeys(_UNPORTABLE_NODES, _refuse_named),
}


def refusals(statement: exp.Expr) -> list[Refusal]:
    """Every construct of a Redshift-dialect statement that `translate` cannot make compute
    Redshift's value on DuckDB and PostgreSQL: (node, message) pairs in the statement's order.

    The message names the construct and says what to write instead. The caller reports each as
    an error (lint's E410) positioned at the node: nodes parsed by sqlglot carry `node.meta`
    (line, col, start, end of the function name). Types matter (AVG of an integer, ROUND of a
    double): pass the statement qualified and annotated (framework.sql.schema.annotated) when
    the schema is known. An empty list means every construct is exact on every target."""
    found: list[Refusal] = []
    for node in statement.walk(bfs=False):
        check = CHECKS.get(type(node))
        message = check(node) if check else None
        if message:
            found.append((node, message))
    return found
