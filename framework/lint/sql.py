"""Model SQL rules (E401, E402, E412): the SELECT is one query and each check condition one
expression, both parsing in the source dialect.

Parser positions are mapped back to the file that holds the text (the spec, or the
sibling .sql file), so the diagnostic points at the token in the editor. Both are parsed by
`framework.sql.parse` (once, shared with the other SQL rules and compile).
"""

from __future__ import annotations

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.validate import format_key_path
from framework.sql.parse import condition_text, parse_condition, parse_model


def check_model_sql(spec: m.ModelSpec) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if spec.sql is not None:
        found.extend(parse_model(spec.sql).problems)
    for check in spec.checks:
        if check.type is m.CheckType.EXPRESSION:
            key_path = format_key_path(check.key_path + ("condition",))
            found.extend(parse_condition(condition_text(spec, check), key_path).problems)
    return found
