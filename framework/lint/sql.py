"""Model SQL rules (E401, E402): the SELECT and check conditions parse in the Redshift dialect.

Parser positions are mapped back to the file that holds the text (the spec, or the
sibling .sql file), so the diagnostic points at the token in the editor.
"""

from __future__ import annotations

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.validate import format_key_path

DIALECT = "redshift"


def check_model_sql(spec: m.ModelSpec) -> list[Diagnostic]:
    found = []
    if spec.sql is not None:
        found.extend(_check_select(spec))
    for check in spec.checks:
        if check.type is m.CheckType.EXPRESSION:
            found.extend(_check_condition(spec, check))
    return found


def parse_select(sql: m.SqlText):
    """Parse a model's SELECT; returns (expression, diagnostics)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        statements = [s for s in sqlglot.parse(sql.text, read=DIALECT) if s is not None]
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        line, col = sql.file_position(*_token_start(first))
        return None, [Diagnostic(sql.path, line, col, "E401", _parse_message(first, str(err)))]
    except TokenError as err:
        line, col = sql.file_position(1, 1)
        return None, [Diagnostic(sql.path, line, col, "E401", f"SQL syntax error: {err}")]
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        found = statements[1] if len(statements) > 1 else (statements[0] if statements else None)
        what = (
            "no statement"
            if found is None
            else f"{len(statements)} statements"
            if len(statements) > 1
            else f"a {found.key.upper()} statement"
        )
        line, col = sql.file_position(1, 1)
        return None, [Diagnostic(sql.path, line, col, "E402", f"model SQL must be one SELECT query, found {what}")]
    return statements[0], []


def _check_select(spec: m.ModelSpec) -> list[Diagnostic]:
    _, found = parse_select(spec.sql)
    return found


def _check_condition(spec: m.ModelSpec, check: m.Check) -> list[Diagnostic]:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    key_path = check.key_path + ("condition",)
    info = spec.origin.positions.where(key_path) if spec.origin.positions else None
    line, col = (info.line, info.col + (1 if info.style in ('"', "'") else 0)) if info else (1, 1)
    text = m.SqlText(check.condition, spec.origin.path, line, col, block=False)
    try:
        sqlglot.parse_one(check.condition, read=DIALECT)
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        line, col = text.file_position(*_token_start(first))
        return [
            Diagnostic(
                spec.origin.path, line, col, "E401", _parse_message(first, str(err)), key_path=format_key_path(key_path)
            )
        ]
    except TokenError as err:
        return [
            Diagnostic(
                spec.origin.path, line, col, "E401", f"SQL syntax error: {err}", key_path=format_key_path(key_path)
            )
        ]
    return []


def _token_start(error: dict) -> tuple[int, int]:
    """sqlglot reports the column where the offending token ends; editors want where it starts."""
    line, col = error.get("line") or 1, error.get("col") or 1
    highlight = error.get("highlight") or ""
    if highlight and "\n" not in highlight:
        col = max(1, col - len(highlight) + 1)
    return line, col


def _parse_message(error: dict, fallback: str) -> str:
    import re

    description = error.get("description") or fallback.splitlines()[0]
    missing = re.match(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>", description)
    if missing:  # sqlglot's internal class names mean little to a user
        description = f"incomplete {missing.group(2).upper()}: its {missing.group(1)} is missing"
    near = (error.get("highlight") or "").strip()
    return f"SQL syntax error (Redshift dialect): {description}" + (f" near '{near}'" if near else "")
