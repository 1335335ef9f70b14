"""Model SQL rules (E401, E402): the SELECT and check conditions parse in the source dialect.

Parser positions are mapped back to the file that holds the text (the spec, or the
sibling .sql file), so the diagnostic points at the token in the editor. The SELECT is
parsed by `framework.sql.parse` (once, shared with the other SQL rules and compile).
"""

from __future__ import annotations

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.validate import format_key_path
from framework.sql.parse import parse_condition, parse_message, parse_model, token_start


def check_model_sql(spec: m.ModelSpec) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if spec.sql is not None:
        found.extend(parse_model(spec.sql).problems)
    for check in spec.checks:
        if check.type is m.CheckType.EXPRESSION:
            found.extend(_check_condition(spec, check))
    return found


def _check_condition(spec: m.ModelSpec, check: m.Check) -> list[Diagnostic]:
    from sqlglot.errors import ParseError, TokenError

    key_path = check.key_path + ("condition",)
    info = spec.origin.positions.where(key_path) if spec.origin.positions else None
    line, col = (info.line, info.col + (1 if info.style in ('"', "'") else 0)) if info else (1, 1)
    text = m.SqlText(check.condition, spec.origin.path, line, col, block=False)
    try:
        parse_condition(check.condition)
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        line, col = text.file_position(*token_start(first))
        return [
            Diagnostic(
                spec.origin.path, line, col, "E401", parse_message(first, str(err)), key_path=format_key_path(key_path)
            )
        ]
    except TokenError as err:
        return [
            Diagnostic(
                spec.origin.path, line, col, "E401", f"SQL syntax error: {err}", key_path=format_key_path(key_path)
            )
        ]
    return []
