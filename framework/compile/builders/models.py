"""Build statements for models: view, full-refresh table, incremental (merge, delete+insert,
time range), and SCD1 upserts. SCD2 lives in scd2.py.

Every model first stages its SELECT into a temp table `__src_<model>` holding exactly the
table's columns (surrogate key computed, and `_build_seq`: this build's counter), so MERGE
reads a table (Redshift's rule) and duplicate keys are caught by a guard before anything is
written (DuckDB would silently take the last duplicate; Redshift and PostgreSQL would fail
mid-statement). Every row a build writes carries the build's `_build_seq`; rows it leaves
alone keep theirs.
"""

from __future__ import annotations

from sqlglot import exp

from framework.compile.builders.ddl import backfilled_column
from framework.compile.naming import Naming
from framework.compile.statements import Statement, guard, run
from framework.spec import model as m
from framework.spec.bookkeeping import BUILD_SEQ, INGEST_COLUMNS, LOAD_SEQ
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect


def stored_columns(spec: m.ModelSpec) -> tuple[m.Column, ...]:
    """The model table's columns: the declared ones, then the build that last wrote the row
    (a view stores nothing, so it has none)."""
    if spec.materialization is m.Materialization.VIEW:
        return spec.columns
    return spec.columns + (BUILD_SEQ,)


def this_build(dialect: Dialect) -> exp.Alias:
    """`_build_seq` of the rows this build writes: its run-time counter."""
    return q.alias(
        q.cast(dialect.placeholder("build_seq"), dialect.column_type(BUILD_SEQ.portable_type)), BUILD_SEQ.name
    )


def build_seq_upgrade(spec: m.ModelSpec, pipeline: str, naming: Naming, dialect: Dialect) -> list[exp.Expression]:
    """A model table made before `_build_seq` existed: the column added, and every row given the
    model's latest recorded build (NULL when none is recorded): what wrote it is not known any
    closer, and a later build's rows are told apart from them all the same."""
    builds = (
        q.select(q.alias(exp.Max(this=q.col("build_seq")), "seq"))
        .from_(naming.internal("model_builds"))
        .where(
            q.and_all(
                [
                    exp.EQ(this=q.col("pipeline"), expression=q.lit(pipeline)),
                    exp.EQ(this=q.col("model"), expression=q.lit(spec.name)),
                ]
            )
        )
    )
    return backfilled_column(naming.table_of(spec.name), BUILD_SEQ, builds, None, dialect)


def src_name(spec: m.ModelSpec) -> str:
    return f"__src_{spec.name}"


def staged_source(spec: m.ModelSpec, source_query: exp.Query, dialect: Dialect) -> exp.Select:
    """The table's columns, in declared order, from the model SELECT (+ surrogate key)."""
    outputs: list[exp.Expression] = []
    for column in spec.columns:
        if column.name == spec.keys.surrogate:
            outputs.append(q.alias(q.row_hash(q.cols(spec.keys.business, "__q"), dialect.text_type), column.name))
        else:
            outputs.append(q.col(column.name, "__q"))
    return q.select(*outputs).from_(q.subquery(source_query, "__q"))


def stage_statements(
    spec: m.ModelSpec, source_query: exp.Query, keys: tuple[str, ...], dialect: Dialect
) -> list[Statement]:
    staged = staged_source(spec, source_query, dialect).select(this_build(dialect), copy=False)
    statements = [
        run(q.drop_table(src_name(spec)), "drop a leftover staging table"),
        run(q.create_temp_as(src_name(spec), staged), "stage the model's SELECT"),
    ]
    if keys:
        statements.append(duplicate_key_guard(src_name(spec), keys, spec.name))
    return statements


def duplicate_key_guard(temp: str, keys: tuple[str, ...], model_name: str) -> Statement:
    dupes = (
        q.select(*q.cols(keys))
        .from_(q.table(temp))
        .group_by(*q.cols(keys))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=q.lit(1)))
    )
    count = q.select(exp.Count(this=exp.Star())).from_(q.subquery(dupes, "__dupes"))
    return guard(count, f"the SELECT of '{model_name}' returned several rows for one key ({', '.join(keys)})")


def build_view(spec: m.ModelSpec, source_query: exp.Query, naming: Naming, dialect: Dialect) -> list[Statement]:
    """CREATE OR REPLACE VIEW takes only a query of the same columns (PostgreSQL: some may be
    added at the end; the run drops a view whose live columns differ first). Redshift's late-binding
    views are dropped and created every time, in the build's transaction: their columns are not in
    information_schema to compare."""
    late_binding = dialect.late_binding_views
    view = exp.Create(
        this=naming.table_of(spec.name),
        kind="VIEW",
        replace=not late_binding,
        expression=staged_source(spec, source_query, dialect),
        no_schema_binding=late_binding or None,
    )
    if not late_binding:
        return [run(view, "create or replace the view")]
    drop = exp.Drop(tables=[naming.table_of(spec.name)], kind="VIEW", exists=True)
    return [run(drop, "drop the view (its columns may have changed)"), run(view, "create the view")]


def build_full_refresh(spec: m.ModelSpec, source_query: exp.Query, naming: Naming, dialect: Dialect) -> list[Statement]:
    """Refill the table in place, in one transaction: readers see the old rows until it commits,
    and the table keeps its grants and the views that depend on it (a DROP + RENAME swap loses
    the grants, fails under a dependent view, and gives a reader of an older snapshot Redshift's
    ERROR 1018). DELETE, not TRUNCATE: Redshift's TRUNCATE commits the transaction."""
    target = naming.table_of(spec.name)
    columns = [c.name for c in stored_columns(spec)]
    return [
        *stage_statements(spec, source_query, spec.keys.business, dialect),
        run(exp.Delete(this=target.copy()), "remove the previous rows"),
        run(
            q.insert_select(target, columns, q.select(*q.cols(columns)).from_(q.table(src_name(spec)))),
            "fill the table",
        ),
        run(q.drop_table(src_name(spec)), "drop the staging table"),
    ]


def build_incremental(
    spec: m.ModelSpec,
    source_query: exp.Query,
    naming: Naming,
    dialect: Dialect,
    keep_staging: bool = False,
    recomputed: exp.Expression | None = None,
) -> list[Statement]:
    """`keep_staging`: leave `__src_<model>` for what follows in the session (a scoped build's
    checks read the rows it wrote there: `writes_staged_rows`). A merge or delete+insert build
    makes the rows it recomputes exactly what its SELECT returns — every row (a whole build) or
    those matching `recomputed` (a scoped build: the affected keys'): a key the SELECT no longer
    returns (its rows moved to another key, a filter now drops them) loses its rows, as a load
    from scratch would never have written them."""
    incremental = spec.incremental
    assert incremental is not None, f"{spec.name}: an incremental model without settings; run `elt lint` first (E211)"
    strategy = incremental.strategy
    keys = spec.keys.business
    target_table = naming.table_of(spec.name)
    columns = [c.name for c in stored_columns(spec)]
    if strategy is m.IncrementalStrategy.TIME_RANGE:
        statements = stage_statements(spec, source_query, (), dialect)
        assert incremental.time_column, f"{spec.name}: time_range without a time_column; run `elt lint` first (E211)"
        statements += time_range_replace(
            target_table, src_name(spec), columns, incremental.time_column, batch_relative(source_query)
        )
    else:
        statements = stage_statements(spec, source_query, keys, dialect)
        if strategy is m.IncrementalStrategy.MERGE and dialect.upsert_by_merge:
            statements.append(run(merge(target_table, src_name(spec), keys, columns, dialect), "merge by key"))
            statements.append(remove_vanished(target_table, src_name(spec), keys, recomputed))
        else:
            statements += replace_recomputed(target_table, src_name(spec), columns, recomputed)
    if not keep_staging:
        statements.append(run(q.drop_table(src_name(spec)), "drop the staging table"))
    return statements


def writes_staged_rows(spec: m.ModelSpec) -> bool:
    """Whether a build leaves exactly its staged rows (`__src_<model>`) as the table's rows of
    their keys: a merge or delete+insert by the business key (which the guard keeps unique).
    Not SCD2 (it writes versions), nor a time range (it replaces by time value)."""
    incremental = spec.incremental
    return (
        spec.materialization is m.Materialization.INCREMENTAL
        and not isinstance(spec.history, m.Scd2)
        and incremental is not None
        and incremental.strategy in (m.IncrementalStrategy.MERGE, m.IncrementalStrategy.DELETE_INSERT)
    )


def merge(
    target_table: exp.Table, source: str, keys: tuple[str, ...], columns: list[str], dialect: Dialect
) -> exp.Merge:
    """MERGE in the one shape every target accepts: source is a table, no target alias,
    one WHEN MATCHED (update every non-key column) and one WHEN NOT MATCHED (insert)."""
    tname = target_table.name
    on = q.keys_equal(keys, tname, source)
    updates = [exp.EQ(this=q.col(c), expression=q.col(c, source)) for c in columns if c not in keys]
    whens = []
    if updates:
        whens.append(exp.When(matched=True, then=exp.Update(expressions=updates)))
    whens.append(
        exp.When(
            matched=False,
            then=exp.Insert(
                this=exp.Tuple(expressions=q.cols(columns)), expression=exp.Tuple(expressions=q.cols(columns, source))
            ),
        )
    )
    return exp.Merge(this=target_table, using=q.table(source), on=on, whens=exp.Whens(expressions=whens))


def replace_recomputed(
    target_table: exp.Table, source: str, columns: list[str], recomputed: exp.Expression | None
) -> list[Statement]:
    """Delete the rows the build recomputes (all, or those matching `recomputed`), insert its rows."""
    delete = exp.Delete(this=target_table.copy(), where=exp.Where(this=recomputed.copy()) if recomputed else None)
    insert = q.insert_select(target_table, columns, q.select(*q.cols(columns)).from_(q.table(source)))
    return [run(delete, "delete the rows it recomputes"), run(insert, "insert the new rows")]


def remove_vanished(
    target_table: exp.Table, source: str, keys: tuple[str, ...], recomputed: exp.Expression | None
) -> Statement:
    """After a merge: the recomputed rows whose key the SELECT no longer returned."""
    staged = exp.Table(this=q.ident(source), alias=exp.TableAlias(this=q.ident("__s")))
    same_key = q.keys_equal(keys, target_table.name, "__s")
    gone: exp.Expression = exp.Not(this=q.exists(q.select(q.lit(1)).from_(staged).where(same_key)))
    if recomputed is not None:
        gone = exp.And(this=recomputed.copy(), expression=gone)
    return run(
        exp.Delete(this=target_table.copy(), where=exp.Where(this=gone)), "delete keys its SELECT no longer returns"
    )


def delete_insert(target_table: exp.Table, source: str, keys: tuple[str, ...], columns: list[str]) -> list[Statement]:
    delete = exp.Delete(
        this=target_table, using=[q.table(source)], where=exp.Where(this=q.keys_equal(keys, target_table.name, source))
    )
    insert = q.insert_select(target_table, columns, q.select(*q.cols(columns)).from_(q.table(source)))
    return [run(delete, "delete the rows being replaced"), run(insert, "insert the new rows")]


def batch_relative(query: exp.Query) -> bool:
    """Whether a SELECT reads the ingest or bookkeeping columns (`_batch_date`, `_load_seq`, …):
    its rows then depend on which batch is the latest, not only on the rows there are."""
    names = {c.name for c in (*INGEST_COLUMNS, LOAD_SEQ, BUILD_SEQ)}
    return any(column.name in names for column in query.find_all(exp.Column))


def time_range_replace(
    target_table: exp.Table, source: str, columns: list[str], time_column: str, batch_relative: bool = True
) -> list[Statement]:
    """Replace exactly the time values (e.g. days) the SELECT returns; others are untouched.
    Not min..max: a batch holding 2024-01-01 and 2024-01-03 must not wipe 2024-01-02.

    That is for a SELECT of the batch (filtered by `_batch_date`): earlier batches' days stay. A
    SELECT over every row of its inputs returns every time value there is: its build replaces
    every row, so a time value it no longer returns (its only event corrected to another day)
    is gone, as in a load from scratch — replacing only the values returned left it behind."""
    if batch_relative:
        batch_values = q.select(q.col(time_column)).distinct().from_(q.table(source))
        delete = exp.Delete(
            this=target_table,
            using=[q.subquery(batch_values, "__range")],
            where=exp.Where(
                this=exp.EQ(this=q.col(time_column, target_table.name), expression=q.col(time_column, "__range"))
            ),
        )
        purpose = "delete the time values the batch covers"
    else:
        delete = exp.Delete(this=target_table)
        purpose = "delete every time value: the SELECT reads all rows, and returns every value there is"
    insert = q.insert_select(target_table, columns, q.select(*q.cols(columns)).from_(q.table(source)))
    return [run(delete, purpose), run(insert, "insert the batch's rows")]
