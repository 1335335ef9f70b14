"""What a plan step holds: statements with their purpose, guards, reports and per-file repeats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.sql.kinds import StatementKind


@dataclass(frozen=True)
class Statement:
    expression: exp.Expression
    purpose: str
    kind: StatementKind = StatementKind.EXEC
    message: str = ""  # a guard's failure message
    per_file: bool = False  # executed once per loaded file, with that file's parameters


def run(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose)


def guard(expression: exp.Expression, message: str) -> Statement:
    return Statement(expression, "guard", kind=StatementKind.GUARD, message=message)


def report(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose, kind=StatementKind.REPORT)
