"""Write a compiled manifest as files: one readable .sql file per step, in run order, plus manifest.json."""

from __future__ import annotations

import os
import re

from framework.compile.manifest import Manifest, StatementInfo, StepInfo
from framework.sql.kinds import StatementKind


def step_file_name(index: int, step: StepInfo) -> str:
    return f"{index:03d}_{re.sub(r'[^a-z0-9_]+', '_', step.id.lower())}.sql"


def step_sql(step: StepInfo, dialect: str) -> str:
    from framework.compile.render import pretty_sql

    lines = [_comment(f"step {step.id}"), _comment(f"after: {', '.join(step.depends_on) or '(nothing)'}")]
    if step.params:
        lines.append(_comment(f"run-time parameters: {', '.join(step.params)}"))
    if step.transactional:
        lines.append("BEGIN;")
    for statement in step.statements:
        lines += ["", _comment(_note(statement)), pretty_sql(statement.sql, dialect) + ";"]
    for statement in step.scoped:
        note = f"when its inputs' changes are known (a scoped build): {_note(statement)}"
        lines += ["", _comment(note), pretty_sql(statement.sql, dialect) + ";"]
    for statement in step.rejects:
        note = f"when the batch has rejected rows: {_note(statement)}"
        lines += ["", _comment(note), pretty_sql(statement.sql, dialect) + ";"]
    for check in step.checks:
        lines += [
            "",
            _comment(f"check {check.name} [{check.severity}]: {check.description}"),
            _comment(f"sample of failing rows: {check.sample_sql}"),
            pretty_sql(check.count_sql, dialect) + ";",
        ]
    for check in step.scoped_checks:
        note = "when its inputs' changes are known (a scoped build)"
        lines += ["", _comment(f"{note}: sample of failing rows of check {check.name}: {check.sample_sql}")]
    if step.transactional:
        lines += ["", "COMMIT;"]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """`text` as SQL comment lines, every one of them: a check condition or an accepted value
    written over several lines must not leave a line of it live SQL (adversarial round 54)."""
    return "\n".join(f"-- {line}".rstrip() for line in text.splitlines() or [""])


def _note(statement: StatementInfo) -> str:
    if statement.kind is StatementKind.GUARD:
        return f"guard: must return 0 or no rows, else fail with: {statement.message}"
    if statement.kind is StatementKind.REPORT:
        return f"report: {statement.purpose}"
    return statement.purpose + (" (once per file)" if statement.per_file else "")


def write_outputs(manifest: Manifest, out_dir: str) -> list[str]:
    from framework.sql.dialects import get_dialect

    dialect = get_dialect(manifest.target).sqlglot_dialect
    os.makedirs(out_dir, exist_ok=True)
    for stale in os.listdir(out_dir):  # a removed step must not leave its file behind
        if re.match(r"\d{3}_.*\.sql$", stale):
            os.remove(os.path.join(out_dir, stale))
    written = []
    for index, step in enumerate(manifest.steps):
        path = os.path.join(out_dir, step_file_name(index, step))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(step_sql(step, dialect))
        written.append(path)
    path = os.path.join(out_dir, "manifest.json")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
    written.append(path)
    return written
