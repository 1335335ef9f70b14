"""What a plan step holds: statements with their purpose, guards, reports and per-file repeats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

EXEC, GUARD, REPORT, COPY_IN = "exec", "guard", "report", "copy_in"


@dataclass(frozen=True)
class Statement:
    expression: exp.Expression
    purpose: str
    # exec | guard (a count that must be 0) | report (one row of figures for the run log)
    # | copy_in (COPY … FROM STDIN: the executor streams the batch's lake files into it)
    kind: str = EXEC
    message: str = ""  # a guard's failure message
    per_file: bool = False  # executed once per loaded file, with that file's parameters


def run(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose)


def guard(expression: exp.Expression, message: str) -> Statement:
    return Statement(expression, "guard", kind=GUARD, message=message)


def report(expression: exp.Expression, purpose: str) -> Statement:
    return Statement(expression, purpose, kind=REPORT)
