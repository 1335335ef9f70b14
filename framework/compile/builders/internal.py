"""The runner's own queries on the framework tables, compiled with everything else so that
running needs no SQL library: ledger lookups, model state, run log."""

from __future__ import annotations

from sqlglot import exp

from framework.compile.builders.staging import ledger_insert
from framework.compile.manifest import InternalQuery
from framework.compile.naming import INTERNAL_TABLES, Naming
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import INVALIDATED, MARKERS


def _equals(dialect: Dialect, *names: str) -> exp.Expression:
    return q.and_all([exp.EQ(this=q.col(n), expression=dialect.placeholder(n)) for n in names])


def invalidation(naming: Naming, dialect: Dialect, models: tuple[str, ...]) -> exp.Insert:
    """One model_builds row per model, each INVALIDATED: what a load or a build writes for the
    models downstream of it (one statement, not one per model: each is a round trip on Redshift)."""
    spec = next(t for t in INTERNAL_TABLES if t.name == "model_builds")
    given = {"pipeline": dialect.placeholder("pipeline"), "data_fingerprint": q.lit(INVALIDATED)}
    given |= {"run_id": dialect.placeholder("run_id"), "built_at": dialect.placeholder("built_at")}

    def row(model: str) -> exp.Tuple:
        values = {**given, "model": q.lit(model)}
        return exp.Tuple(expressions=[values.get(c.name, exp.Null()).copy() for c in spec.columns])

    return exp.Insert(
        this=exp.Schema(this=naming.internal("model_builds"), expressions=[q.ident(c.name) for c in spec.columns]),
        expression=exp.Values(expressions=[row(model) for model in models]),
    )


def _insert(naming: Naming, dialect: Dialect, table: str) -> exp.Insert:
    spec = next(t for t in INTERNAL_TABLES if t.name == table)
    names = [c.name for c in spec.columns]
    return exp.Insert(
        this=exp.Schema(this=naming.internal(table), expressions=[q.ident(n) for n in names]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[dialect.placeholder(n) for n in names])]),
    )


def internal_statements(
    naming: Naming, dialect: Dialect, counted: tuple[str, ...] = ()
) -> dict[InternalQuery, exp.Expression]:
    """`counted`: the specs whose tables the run's summary counts (sources and non-view models)."""
    ledger, state = naming.internal("file_ledger"), naming.internal("model_builds")
    columns = exp.Table(this=q.ident("columns"), db=q.ident("information_schema"))
    return {
        # The live tables' (and views') columns and their types, in order, to tell a table that no
        # longer matches its spec.
        InternalQuery.TABLE_COLUMNS: q.select(
            *q.cols(
                [
                    "table_schema",
                    "table_name",
                    "column_name",
                    "data_type",
                    "character_maximum_length",
                    "numeric_precision",
                    "numeric_scale",
                ]
            )
        )
        .from_(columns)
        .where(exp.In(this=q.col("table_schema"), expressions=[q.lit(s) for s in naming.all_schemas()]))
        .order_by(*q.cols(["table_schema", "table_name", "ordinal_position"])),
        InternalQuery.TABLE_KEYS: _table_keys(naming),
        InternalQuery.TABLE_KINDS: q.select(*q.cols(["table_schema", "table_name", "table_type"]))
        .from_(exp.Table(this=q.ident("tables"), db=q.ident("information_schema")))
        .where(exp.In(this=q.col("table_schema"), expressions=[q.lit(s) for s in naming.all_schemas()])),
        InternalQuery.LEDGER_FILES: q.select(q.col("path"), q.col("checksum"), q.col("size_bytes"), q.col("row_count"))
        .from_(ledger)
        .where(_equals(dialect, "pipeline", "source")),
        InternalQuery.MODEL_STATE: q.select(
            *q.cols(["model", "data_fingerprint", "table_shape", "build_seq", "consumed", "relation"])
        )
        .from_(state)
        .where(_equals(dialect, "pipeline"))
        .order_by(q.col("built_at"), q.col("run_id")),
        InternalQuery.MODEL_STATE_INSERT: _insert(naming, dialect, "model_builds"),
        InternalQuery.MODEL_STATE_PRUNE: _prune_state(naming, dialect),
        InternalQuery.LOAD_SEQS: q.select(q.col("source"), q.alias(exp.Max(this=q.col("load_seq")), "load_seq"))
        .from_(ledger.copy())
        .where(_equals(dialect, "pipeline"))
        .group_by(q.col("source")),
        InternalQuery.WHOLE_BUILDS: q.select(q.col("model"), q.alias(exp.Max(this=q.col("build_seq")), "build_seq"))
        .from_(naming.internal("model_changes"))
        .where(q.and_all([_equals(dialect, "pipeline"), exp.Is(this=q.col("key"), expression=exp.Null())]))
        .group_by(q.col("model")),
        InternalQuery.MODEL_CHANGES_INSERT: _insert(naming, dialect, "model_changes"),
        InternalQuery.MODEL_CHANGES_PRUNE: _prune_consumed(naming, dialect, "model_changes", "model", "build_seq"),
        InternalQuery.CHANGED_VALUES_PRUNE: _prune_consumed(naming, dialect, "changed_values", "relation", "seq"),
        InternalQuery.RUN_LOG_INSERT: _insert(naming, dialect, "run_log"),
        InternalQuery.RUN_LOG_DELETE: exp.Delete(
            this=naming.internal("run_log"), where=exp.Where(this=_equals(dialect, "run_id", "step"))
        ),
        InternalQuery.RUN_LOG_STEPS: q.select(*q.cols(["step", "status", "error"]))
        .from_(naming.internal("run_log"))
        .where(_equals(dialect, "run_id", "pipeline"))
        .order_by(q.col("step")),
        InternalQuery.BUILD_ATTEMPTS: _build_attempts(naming, dialect),
        InternalQuery.LEDGER_INSERT: ledger_insert(naming, dialect),
        InternalQuery.SOURCE_FRESHNESS: q.select(
            q.col("source"),
            q.alias(exp.Max(this=q.col("loaded_at")), "loaded_at"),
            q.alias(exp.Max(this=q.col("batch_date")), "batch_date"),
        )
        .from_(ledger.copy())
        .where(_equals(dialect, "pipeline"))
        .group_by(q.col("source")),
        InternalQuery.TABLE_ROWS: _table_rows(naming, counted),
        InternalQuery.LEDGER_FORGET: exp.Delete(
            this=ledger.copy(), where=exp.Where(this=_equals(dialect, "pipeline", "source"))
        ),
        InternalQuery.REJECTS_FORGET: exp.Delete(
            this=naming.internal("rejects"), where=exp.Where(this=_equals(dialect, "pipeline", "source"))
        ),
    }


def _build_attempts(naming: Naming, dialect: Dialect) -> exp.Select:
    """(step, latest started_at it succeeded, latest it failed) of each build step in the log (a
    skipped one is neither: skipped for a partial run's sake, it has not failed)."""

    def latest(statuses: tuple[str, ...], alias: str) -> exp.Expression:
        when = exp.If(
            this=exp.In(this=q.col("status"), expressions=[q.lit(s) for s in statuses]), true=q.col("started_at")
        )
        return q.alias(exp.Max(this=exp.Case(ifs=[when])), alias)

    return (
        q.select(q.col("step"), latest(("ok", "warned"), "built_at"), latest(("failed",), "failed_at"))
        .from_(naming.internal("run_log"))
        .where(q.and_all([_equals(dialect, "pipeline"), exp.EQ(this=q.col("step_kind"), expression=q.lit("build"))]))
        .group_by(q.col("step"))
    )


def _table_rows(naming: Naming, counted: tuple[str, ...]) -> exp.Expression:
    """(schema.table, rows) per table, one UNION ALL: exact counts, on every warehouse."""
    selects = []
    for name in counted or ():
        table = naming.table_of(name)
        selects.append(
            q.select(
                q.alias(q.lit(f"{table.db}.{table.name}"), "table_name"),
                q.alias(exp.Count(this=exp.Star()), "row_count"),
            ).from_(table)
        )
    if not selects:  # nothing to count: an empty answer of the same shape
        return q.select(q.alias(q.lit(""), "table_name"), q.alias(q.lit(0), "row_count")).where(exp.false())
    query: exp.Expression = selects[0]
    for select in selects[1:]:
        query = exp.union(query, select, distinct=False)
    return query


def _table_keys(naming: Naming) -> exp.Select:
    """(schema, table, column) of every PRIMARY KEY column of the pipeline's tables, in key order."""

    def catalog(name: str, alias: str) -> exp.Table:
        return exp.Table(
            this=q.ident(name), db=q.ident("information_schema"), alias=exp.TableAlias(this=q.ident(alias))
        )

    same = q.and_all(
        [
            exp.EQ(this=q.col(c, "__k"), expression=q.col(c, "__c"))
            for c in ("constraint_name", "table_schema", "table_name")
        ]
    )
    return (
        q.select(*q.cols(["table_schema", "table_name", "column_name"], "__k"))
        .from_(catalog("key_column_usage", "__k"))
        .join(catalog("table_constraints", "__c"), on=same)
        .where(
            q.and_all(
                [
                    exp.EQ(this=q.col("constraint_type", "__c"), expression=q.lit("PRIMARY KEY")),
                    exp.In(this=q.col("table_schema", "__k"), expressions=[q.lit(s) for s in naming.all_schemas()]),
                ]
            )
        )
        .order_by(*q.cols(["table_schema", "table_name", "ordinal_position"], "__k"))
    )


def _prune_consumed(naming: Naming, dialect: Dialect, table: str, owner: str, seq: str) -> exp.Delete:
    """The rows of one model or source up to a counter every reader has consumed."""
    consumed = exp.LTE(this=q.col(seq), expression=dialect.placeholder(seq))
    return exp.Delete(
        this=naming.internal(table), where=exp.Where(this=q.and_all([_equals(dialect, "pipeline", owner), consumed]))
    )


def _prune_state(naming: Naming, dialect: Dialect) -> exp.Delete:
    """The rows of each model older than its latest build (invalidations and markers after it stay;
    a marker — refused, unaudited, lost — is not a build: the build behind it keeps its counter)."""
    state = naming.internal("model_builds")
    not_builds = exp.Tuple(expressions=[q.lit(f) for f in (INVALIDATED, *MARKERS)])
    latest = (
        q.select(q.col("model"), q.alias(exp.Max(this=q.col("built_at")), "latest"))
        .from_(state.copy())
        .where(
            q.and_all(
                [
                    exp.EQ(this=q.col("pipeline"), expression=dialect.placeholder("pipeline")),
                    exp.Not(this=exp.In(this=q.col("data_fingerprint"), expressions=not_builds.expressions)),
                ]
            )
        )
        .group_by(q.col("model"))
    )
    target = state.name
    return exp.Delete(
        this=state.copy(),
        using=[q.subquery(latest, "__b")],
        where=exp.Where(
            this=q.and_all(
                [
                    exp.EQ(this=q.col("pipeline", target), expression=dialect.placeholder("pipeline")),
                    exp.EQ(this=q.col("model", target), expression=q.col("model", "__b")),
                    exp.LT(this=q.col("built_at", target), expression=q.col("latest", "__b")),
                ]
            )
        ),
    )


# How an added column's old rows are filled in (columns without an entry stay NULL).
BACKFILLS: dict[tuple[str, str], exp.Expression] = {
    # run log rows written before step_kind existed: the kind is their step id's prefix
    ("run_log", "step_kind"): exp.SplitPart(
        this=q.col("step"), delimiter=exp.Literal.string(":"), part_index=exp.Literal.number(1)
    ),
}


def column_upgrades(naming: Naming, dialect: Dialect) -> list[tuple[str, str, list[exp.Expression]]]:
    """(schema.table, column, statements) for each framework-table column added after its table
    first shipped: ALTER TABLE ADD COLUMN, then the backfill of existing rows if it has one."""
    from framework.compile.builders.ddl import add_column

    upgrades = []
    for table in INTERNAL_TABLES:
        name = naming.internal(table.name)
        for column_name in table.added:
            column = next(c for c in table.columns if c.name == column_name)
            statements: list[exp.Expression] = [add_column(name.copy(), column, dialect)]
            backfill = BACKFILLS.get((table.name, column_name))
            if backfill is not None:
                statements.append(
                    exp.Update(
                        this=name.copy(),
                        expressions=[exp.EQ(this=q.col(column_name), expression=backfill.copy())],
                        where=exp.Where(this=exp.Is(this=q.col(column_name), expression=exp.Null())),
                    )
                )
            upgrades.append((f"{name.db}.{name.name}", column_name, statements))
    return upgrades
