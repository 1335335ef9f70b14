"""Execute one manifest step on a DB-API-like connection, inside one transaction.

The executor trusts the manifest (lint and compile validated it): it binds run-time
parameters by name, runs guards (a non-zero count fails the step before anything is
written), collects reports, repeats per-file statements once per file, and commits
only when every statement succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from framework.compile.manifest import StepInfo


class Cursorish(Protocol):
    def execute(self, sql: str, params: Any = None) -> Any: ...


class StepFailed(RuntimeError):
    def __init__(self, step: str, purpose: str, reason: str):
        super().__init__(f"step {step} failed at '{purpose}': {reason}")
        self.step, self.purpose, self.reason = step, purpose, reason


@dataclass
class StepResult:
    step: str
    reports: dict[str, Any] = field(default_factory=dict)


def execute_step(conn, step: StepInfo, params: dict[str, Any] | None = None,
                 files: list[dict[str, Any]] | None = None) -> StepResult:
    params = params or {}
    result = StepResult(step.id)
    if step.transactional:
        conn.execute("BEGIN TRANSACTION")
    try:
        for statement in step.statements:
            batches = files if statement.per_file else [{}]
            for extra in batches or []:
                bound = {name: {**params, **extra}[name] for name in statement.params}
                cursor = conn.execute(statement.sql, bound or None)
                if statement.kind == "guard":
                    (count,) = cursor.fetchone()
                    if count:
                        raise StepFailed(step.id, statement.purpose, f"{statement.message} ({count} key(s))")
                elif statement.kind == "report":
                    row = cursor.fetchone()
                    names = [d[0] for d in cursor.description]
                    result.reports.update(dict(zip(names, row)))
                else:
                    cursor.fetchall()
    except Exception:
        if step.transactional:
            conn.execute("ROLLBACK")
        raise
    if step.transactional:
        conn.execute("COMMIT")
    return result
