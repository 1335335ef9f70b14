"""Execute one manifest step on a DB-API-like connection, inside one transaction.

The executor trusts the manifest (lint and compile validated it): it binds run-time
parameters by name, runs guards (a non-zero count fails the step before anything is
written), collects reports and affected-row counts, repeats per-file statements once per
file, runs the caller's bookkeeping in the same transaction, and commits only when every
statement succeeded. Anything else rolls back: the previous committed state stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from framework.compile.manifest import StatementInfo, StepInfo
from framework.errors import CompileError, TerminalWarehouseError
from framework.execute.session import ExplainsLoads, Rows, Session, StreamsFiles
from framework.sql.kinds import StatementKind

_DML = ("INSERT", "DELETE", "UPDATE", "MERGE")


class StepFailed(TerminalWarehouseError):
    """A guard found what the step must not write (e.g. several rows for one key): the same data
    fails the same way, so it is never retried."""

    def __init__(self, step: str, purpose: str, reason: str):
        super().__init__(f"step {step} failed at '{purpose}': {reason}")
        self.step, self.purpose, self.reason = step, purpose, reason


@dataclass
class StepResult:
    step: str
    reports: dict[str, Any] = field(default_factory=dict)
    affected: dict[str, int] = field(default_factory=dict)  # INSERT/DELETE/UPDATE/MERGE → rows


def bind(statement: StatementInfo, params: dict[str, Any]) -> dict[str, Any] | None:
    missing = [n for n in statement.params if n not in params]
    if missing:
        raise CompileError(f"'{statement.purpose}' needs run-time parameter(s) {', '.join(missing)}")
    return {name: params[name] for name in statement.params} or None


def run_statement(conn: Session, statement: StatementInfo, params: dict[str, Any] | None = None) -> list[Any]:
    cursor = conn.execute(statement.sql, bind(statement, params or {}))
    return cursor.fetchall()


def _execute(conn: Session, statement: StatementInfo, params: dict[str, Any] | None) -> Rows:
    try:
        return conn.execute(statement.sql, params)
    except TerminalWarehouseError as err:
        if statement.verb == "COPY" and isinstance(conn, ExplainsLoads):
            raise conn.explain_failed_load(statement.table, err) from err
        raise


def _guard_failure(message: str, rows: list, names: list[str]) -> str:
    """A guard's message with its count — and, when the guard returns the offending rows after
    their count (a sampled guard), the first of them by name, so the user can find them."""
    text = f"{message} ({rows[0][0]} key(s))"
    if not names:
        return text
    shown = [", ".join(f"{name}={value}" for name, value in zip(names, row[1:], strict=True)) for row in rows]
    return text + ": " + "; ".join(shown)


def execute_step(
    conn: Session,
    step: StepInfo,
    params: dict[str, Any] | None = None,
    files: list[dict[str, Any]] | None = None,
    in_transaction: Callable[[Session], None] | None = None,
    prelude: tuple[StatementInfo, ...] = (),
    then: tuple[StatementInfo, ...] = (),
) -> StepResult:
    """`prelude`: statements run first, in the same transaction (e.g. recreate the table);
    `then`: statements run after the step's own (e.g. a load's rejected rows)."""
    params = params or {}
    result = StepResult(step.id)
    if step.transactional:
        conn.execute("BEGIN TRANSACTION")
    try:
        for statement in (*prelude, *step.statements, *then):
            if statement.kind is StatementKind.COPY_IN:  # the session streams lake files (PostgreSQL)
                if not isinstance(conn, StreamsFiles):
                    raise CompileError(f"'{statement.purpose}' needs a session that streams files (PostgreSQL)")
                (files_param,) = statement.params
                conn.copy_in(statement.sql, (bind(statement, params) or {})[files_param], statement.columns)
                continue
            for extra in (files or []) if statement.per_file else [{}]:
                cursor = _execute(conn, statement, bind(statement, {**params, **extra}))
                rows = cursor.fetchall()
                if statement.kind is StatementKind.GUARD:
                    if rows and rows[0][0]:
                        names = [d[0] for d in cursor.description][1:]
                        raise StepFailed(step.id, statement.purpose, _guard_failure(statement.message, rows, names))
                elif statement.kind is StatementKind.REPORT:
                    names = [d[0] for d in cursor.description]
                    result.reports.update(dict(zip(names, rows[0])) if rows else {})
                elif statement.kind is StatementKind.EXEC:
                    verb = statement.verb
                    if verb in _DML and rows and isinstance(rows[0][0], int) and not statement.per_file:
                        result.affected[verb] = result.affected.get(verb, 0) + rows[0][0]
        if in_transaction is not None:
            in_transaction(conn)
    except BaseException:
        if step.transactional:
            try:
                conn.execute("ROLLBACK")
            except Exception:  # the connection may be gone; the transaction is gone with it
                pass
        raise
    if step.transactional:
        conn.execute("COMMIT")
    return result
