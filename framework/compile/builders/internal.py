"""The runner's own queries on the framework tables, compiled with everything else so that
running needs no SQL library: ledger lookups, model state, run log."""

from __future__ import annotations

from sqlglot import exp

from framework.compile.naming import INTERNAL_TABLES, Naming
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect


def _equals(dialect: Dialect, *names: str) -> exp.Expression:
    return q.and_all([exp.EQ(this=q.col(n), expression=dialect.placeholder(n)) for n in names])


def _insert(naming: Naming, dialect: Dialect, table: str) -> exp.Insert:
    spec = next(t for t in INTERNAL_TABLES if t.name == table)
    names = [c.name for c in spec.columns]
    return exp.Insert(
        this=exp.Schema(this=naming.internal(table), expressions=[q.ident(n) for n in names]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[dialect.placeholder(n) for n in names])]),
    )


def internal_statements(
    naming: Naming, dialect: Dialect, rebuildable: tuple[str, ...] = ()
) -> dict[str, exp.Expression]:
    """`rebuildable`: the models whose table a run may have to recreate (their live columns no
    longer match the spec): each gets a `drop_table:<model>` statement."""
    ledger, state = naming.internal("file_ledger"), naming.internal("model_state")
    columns = exp.Table(this=q.ident("columns"), db=q.ident("information_schema"))
    drops = {f"drop_table:{name}": q.drop_table(name, naming.schema_of(name)) for name in rebuildable}
    return {
        # The live tables' columns, to tell a table that no longer matches its spec.
        "table_columns": q.select(q.col("table_schema"), q.col("table_name"), q.col("column_name"))
        .from_(columns)
        .where(exp.In(this=q.col("table_schema"), expressions=[q.lit(s) for s in naming.all_schemas()])),
        **drops,
        "ledger_files": q.select(q.col("path"), q.col("checksum"), q.col("size_bytes"))
        .from_(ledger)
        .where(_equals(dialect, "pipeline", "source")),
        "model_state": q.select(q.col("model"), q.col("data_fingerprint"), q.col("run_id"))
        .from_(state)
        .where(_equals(dialect, "pipeline")),
        "model_state_delete": exp.Delete(
            this=state.copy(), where=exp.Where(this=_equals(dialect, "pipeline", "model"))
        ),
        "model_state_insert": _insert(naming, dialect, "model_state"),
        "run_log_insert": _insert(naming, dialect, "run_log"),
    }
