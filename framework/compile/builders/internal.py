"""The runner's own queries on the framework tables, compiled with everything else so that
running needs no SQL library: ledger lookups, model state, run log."""

from __future__ import annotations

from sqlglot import exp

from framework.compile.builders import sqlutil as q
from framework.compile.naming import INTERNAL_TABLES, Naming
from framework.compile.targets.base import Target


def _equals(target: Target, *names: str) -> exp.Expression:
    return q.and_all([exp.EQ(this=q.col(n), expression=target.placeholder(n)) for n in names])


def _insert(naming: Naming, target: Target, table: str) -> exp.Insert:
    spec = next(t for t in INTERNAL_TABLES if t.name == table)
    names = [c.name for c in spec.columns]
    return exp.Insert(this=exp.Schema(this=naming.internal(table), expressions=[q.ident(n) for n in names]),
                      expression=exp.Values(expressions=[exp.Tuple(expressions=[target.placeholder(n) for n in names])]))


def internal_statements(naming: Naming, target: Target) -> dict[str, exp.Expression]:
    ledger, state = naming.internal("file_ledger"), naming.internal("model_state")
    return {
        "ledger_files": q.select(q.col("path"), q.col("checksum"), q.col("size_bytes")).from_(ledger).where(
            _equals(target, "pipeline", "source")),
        "model_state": q.select(q.col("model"), q.col("data_fingerprint"), q.col("run_id")).from_(state).where(
            _equals(target, "pipeline")),
        "model_state_delete": exp.Delete(this=state.copy(), where=exp.Where(this=_equals(target, "pipeline", "model"))),
        "model_state_insert": _insert(naming, target, "model_state"),
        "run_log_insert": _insert(naming, target, "run_log"),
    }
