"""What a plan step holds: statements with their purpose, guards, reports and per-file repeats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.sql import expr as q
from framework.sql.kinds import StatementKind


@dataclass(frozen=True)
class Statement:
    expression: exp.Expression
    purpose: str
    kind: StatementKind = StatementKind.EXEC
    message: str = ""  # a guard's failure message
    per_file: bool = False  # executed once per loaded file, with that file's parameters
    streams: str = ""  # COPY_IN: the run-time parameter listing the files the session streams
    columns: tuple[str, ...] = ()  # COPY_IN: the columns it lists, which the session reads from each file by name


def run(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose)


def guard(expression: exp.Expression, message: str) -> Statement:
    return Statement(expression, "guard", kind=StatementKind.GUARD, message=message)


def found_count() -> exp.Alias:
    """The first column of a sampled guard: how many rows the guard's query finds in all (its
    LIMIT keeps the first few, which the failure names)."""
    return q.alias(q.window(exp.Count(this=exp.Star()), []), "found")


def report(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose, kind=StatementKind.REPORT)


def record(expression: exp.Expression, purpose: str) -> Statement:
    """Bookkeeping on the framework's tables, or rows into a transient table: its rows are not
    counted as the step's (a load counts the rows it writes to staging, not those it read)."""
    return Statement(expression, purpose, kind=StatementKind.RECORD)
