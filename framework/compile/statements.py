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
    streams: str = ""  # COPY_IN: the run-time parameter listing the files the session streams
    # A MERGE's plain INSERT of the same rows, run instead when `empty_probe` (a query returning
    # a row when the target has one) finds the target empty: the same result, without the join
    # a MERGE costs (a first load, a rebuilt table).
    when_empty: exp.Expression | None = None
    empty_probe: exp.Expression | None = None


def run(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose)


def guard(expression: exp.Expression, message: str) -> Statement:
    return Statement(expression, "guard", kind=StatementKind.GUARD, message=message)


def report(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose, kind=StatementKind.REPORT)


def record(expression: exp.Expression, purpose: str) -> Statement:
    """Bookkeeping on the framework's tables: its rows are not counted as the step's."""
    return Statement(expression, purpose, kind=StatementKind.RECORD)
