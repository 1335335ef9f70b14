"""Load a batch of lake files into a source's staging table.

1. Read the batch into a transient table `__load_<s>` shaped exactly like the lake files
   (the spec's columns in order, then the ingest columns). DuckDB reads the files by
   name with read_parquet; Redshift's Parquet COPY maps columns by position, takes no
   column list, and loads from a manifest listing exactly the batch's files.
2. De-duplicate per primary key into `__dedup_<s>` by the spec's ordering ('latest wins'),
   ties broken by batch, file and line, so MERGE never meets a key twice.
3. Apply by load mode: append, upsert (MERGE or delete+insert, by the target's flags),
   or full_refresh (replace the table's rows), and record one ledger row per file in the
   same transaction.
"""

from __future__ import annotations

import dataclasses

from sqlglot import exp

from framework.compile.builders.changed_values import keep_replaced_values
from framework.compile.builders.ddl import backfilled_column, column_def
from framework.compile.builders.models import delete_insert, merge
from framework.compile.naming import Naming
from framework.compile.statements import Statement, found_count, guard, record, report, run
from framework.spec import model as m
from framework.spec.bookkeeping import INGEST_COLUMNS, LOAD_SEQ
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import BATCH_FILES, REJECT_FILES, LoadMethod, StatementKind
from framework.sql.schema import REJECT_FILE_COLUMNS, REJECT_TEXT_LIMIT

LEDGER_COLUMNS = (
    "pipeline",
    "source",
    "path",
    "size_bytes",
    "checksum",
    "row_count",
    "batch_date",
    "run_id",
    "loaded_at",
    "load_seq",
)


def staging_columns(spec: m.SourceSpec) -> tuple[m.Column, ...]:
    """The columns of the source's lake files: the spec's, then the ingest columns."""
    return spec.columns + INGEST_COLUMNS


def stored_columns(spec: m.SourceSpec) -> tuple[m.Column, ...]:
    """The staging table's columns: the lake files' and the load that last wrote the row."""
    return staging_columns(spec) + (LOAD_SEQ,)


def load_seq_upgrade(spec: m.SourceSpec, pipeline: str, naming: Naming, dialect: Dialect) -> list[exp.Expression]:
    """A staging table made before `_load_seq` existed: the column added, and each row given the
    latest load of its batch (what changes were read by before: files of later batches)."""
    table = naming.table_of(spec.name)
    loads = (
        q.select(q.col("batch_date"), q.alias(exp.Max(this=q.col("load_seq")), "seq"))
        .from_(naming.internal("file_ledger"))
        .where(
            q.and_all(
                [
                    exp.EQ(this=q.col("pipeline"), expression=q.lit(pipeline)),
                    exp.EQ(this=q.col("source"), expression=q.lit(spec.name)),
                ]
            )
        )
        .group_by(q.col("batch_date"))
    )
    batch = exp.EQ(this=q.col("_batch_date", table.name), expression=q.col("batch_date", "__l"))
    return backfilled_column(table, LOAD_SEQ, loads, batch, dialect)


def load_name(spec: m.SourceSpec) -> str:
    return load_name_of(spec.name)


def load_name_of(source: str) -> str:
    return f"__load_{source}"


def dedup_name(spec: m.SourceSpec) -> str:
    return f"__dedup_{spec.name}"


def load_batch(spec: m.SourceSpec, dialect: Dialect) -> list[Statement]:
    return read_files(load_name(spec), staging_columns(spec), dialect, BATCH_FILES, "the batch's")


def read_files(
    name: str, columns: tuple[m.Column, ...], dialect: Dialect, params: tuple[str, str], whose: str
) -> list[Statement]:
    """A transient table `name` holding the rows of lake files shaped like `columns`, read the
    dialect's way; `params` name the run-time file list and COPY manifest."""
    files, manifest = params
    names = [c.name for c in columns]
    # nullable: ingest checked the files it wrote; one ingested before a column was added lacks it
    shape = exp.Schema(
        this=q.table(name),
        expressions=[column_def(dataclasses.replace(c, nullable=True), dialect) for c in columns],
    )
    create = exp.Create(this=shape, kind="TABLE", properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    if dialect.load_method is LoadMethod.READ_PARQUET:
        # by name across files of different shapes (ingested before and after a column was added,
        # dropped or retyped): the spec's columns a file has, into the table by name; one it
        # lacks — in every file read, too — is NULL
        by_name = exp.EQ(this=q.col("union_by_name"), expression=exp.Boolean(this=True))
        reader = exp.Anonymous(this="read_parquet", expressions=[dialect.placeholder(files), by_name])
        column = exp.to_identifier("__c")
        declared = exp.Columns(
            this=exp.Lambda(
                this=exp.In(this=column, expressions=[q.lit(n) for n in names]), expressions=[column.copy()]
            )
        )
        insert = exp.Insert(
            this=q.table(name), by_name=True, expression=q.select(declared).from_(exp.Table(this=reader))
        )
        return [
            run(create, "a transient table shaped like the spec's lake files"),
            record(insert, f"read {whose} Parquet files into it by column name"),
        ]
    if dialect.load_method is LoadMethod.COPY_STDIN:
        # the columns listed: the session reads each by name from every file (one ingested before
        # a column was added lacks it: NULL), whatever the file's column order
        listed = exp.Schema(this=q.table(name), expressions=[q.ident(n) for n in names])
        copy = exp.Copy(this=listed, kind=True, files=[exp.Identifier(this="STDIN")])
        return [
            run(create, "a transient table shaped exactly like the lake files"),
            Statement(
                copy,
                f"stream {whose} files into it, by column name",
                kind=StatementKind.COPY_IN,
                streams=files,
                columns=tuple(names),
            ),
        ]
    if dialect.load_method is LoadMethod.COPY_PARQUET:
        # AWS, "COPY from columnar data formats": only ACCEPTINVCHARS, FILLRECORD, FROM, IAM_ROLE,
        # CREDENTIALS, STATUPDATE, MANIFEST and EXPLICIT_IDS are supported (no MAXERROR, no
        # REGION); values go into columns by position and the column counts must match.
        # sqlglot mangles quoted COPY options in general (TIMEFORMAT 'auto' loses its quotes);
        # this exact shape does round-trip, is verified like every statement, and is pinned by
        # the golden files.
        return [
            run(create, "a transient table shaped exactly like the lake files"),
            run(
                _parquet_copy(name, manifest, dialect),
                f"read {whose} files with COPY (listed in a manifest), by position",
            ),
        ]
    from framework.errors import CompileError

    raise CompileError(f"unknown load method {dialect.load_method!r}")


def _parquet_copy(table: str, manifest: str, dialect: Dialect) -> exp.Copy:
    return exp.Copy(
        this=q.table(table),
        kind=True,
        files=[dialect.placeholder(manifest)],
        credentials=exp.Credentials(iam_role=dialect.placeholder("iam_role")),
        params=[
            exp.CopyParameter(this=exp.Var(this="FORMAT"), expression=exp.Var(this="PARQUET")),
            exp.CopyParameter(this=exp.Var(this="MANIFEST")),
        ],
    )


def shape_manifest_param(index: int) -> str:
    return f"shape_manifest_{index}"


def copy_by_shape(
    source: str, columns: tuple[str, ...], shape: tuple[m.Column, ...], index: int, dialect: Dialect
) -> list[Statement]:
    """Lake files of another shape than the spec's (ingested before a column was added, dropped
    or retyped) into `__load_<source>` (the spec's `columns`), for a warehouse whose COPY maps
    Parquet by position and wants the table's types to be the file's (Redshift: "COPY from
    columnar data formats"; a Spectrum scan refuses a DECIMAL of another precision): COPY into a
    transient table of exactly the files' `shape`, then its columns the spec has into the load
    table by name (a column the files lack is NULL; the insert converts the types, and fails on
    a value the spec's type cannot hold)."""
    name = f"__shape_{source}_{index}"
    shaped = exp.Schema(
        this=q.table(name),
        expressions=[column_def(dataclasses.replace(c, nullable=True), dialect) for c in shape],
    )
    create = exp.Create(this=shaped, kind="TABLE", properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    have = {c.name for c in shape}
    common = [c for c in columns if c in have]
    insert = q.insert_select(q.table(load_name_of(source)), common, q.select(*q.cols(common)).from_(q.table(name)))
    return [
        run(create, f"a transient table shaped like lake files of another shape (group {index})"),
        run(_parquet_copy(name, shape_manifest_param(index), dialect), "read them with COPY, by position"),
        record(insert, "their columns the spec declares into the load table, by name"),
        run(exp.Drop(tables=[q.table(name)], kind="TABLE", exists=True), "drop the transient table"),
    ]


def deduplicate(
    spec: m.SourceSpec, dialect: Dialect, exclude_conflicts: bool = False, staging: exp.Table | None = None
) -> exp.Select:
    """One row per primary key, tagged with this load's counter. With `staging` (an upsert), the
    staged rows of the batch's keys are ranked with the batch's, by the same ordering: a row of
    an earlier load that orders first (a later batch date, a later `order_by` value) stays, so
    staging ends the same whether batches load one run each or several in one run. Only the
    batch's winning rows are kept (to write); a tie goes to the batch (keep: last) or to the
    staged row (keep: first)."""
    columns = [c.name for c in staging_columns(spec)]
    order_by = spec.deduplicate.order_by if spec.deduplicate else ()
    newest_first = not spec.deduplicate or spec.deduplicate.keep == "last"
    direction = q.desc if newest_first else q.asc
    tie_break = [c for c in ("_batch_date", "_source_file", "_source_line") if c not in order_by]
    ordering = [direction(q.col(c)) for c in (*order_by, *tie_break)]
    if spec.load_mode is m.LoadMode.APPEND:
        # across batches an append key can only repeat exactly (other values fail the load): the
        # row keeps its first delivery, as when a run loads each batch and a later copy collapses
        ordering.insert(0, q.asc(q.col("_batch_date")))
    batch = q.select(*q.cols(columns), q.alias(q.lit(1), "__new")).from_(q.table(load_name(spec)))
    if exclude_conflicts:  # their rows went to the rejects table
        batch = batch.where(exp.Not(this=_in_conflicts(spec)))
    rows: exp.Query = batch
    if staging is not None:
        staged = exp.Table(
            this=staging.this.copy(), db=staging.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__s"))
        )
        of_batch = q.exists(
            q.select(q.lit(1))
            .from_(q.table(load_name(spec)))
            .where(q.keys_equal(spec.primary_key, load_name(spec), "__s"))
        )
        earlier = q.select(*q.cols(columns, "__s"), q.alias(q.lit(0), "__new")).from_(staged).where(of_batch)
        rows = exp.Union(this=batch, expression=earlier, distinct=False)
        ordering.append(direction(q.col("__new")))
    ranked = q.select(
        *q.cols(columns), q.col("__new"), q.alias(q.window(exp.RowNumber(), q.cols(spec.primary_key), ordering), "__rn")
    ).from_(q.subquery(rows, "__b"))
    kept: exp.Expression = exp.EQ(this=q.col("__rn"), expression=q.lit(1))
    if staging is not None:
        kept = exp.And(this=kept, expression=exp.EQ(this=q.col("__new"), expression=q.lit(1)))
    return q.select(*q.cols(columns), _this_load(dialect)).from_(q.subquery(ranked, "__l")).where(kept)


def _same_value(left: exp.Column, right: exp.Column) -> exp.Expression:
    """Equal, or both NULL (spelled out: Redshift has no IS NOT DISTINCT FROM)."""
    both_null = exp.And(
        this=exp.Is(this=left.copy(), expression=exp.Null()),
        expression=exp.Is(this=right.copy(), expression=exp.Null()),
    )
    return exp.Paren(this=exp.Or(this=exp.EQ(this=left, expression=right), expression=exp.Paren(this=both_null)))


def _resent(spec: m.SourceSpec, staging: exp.Table, source: str) -> Statement:
    """Append: a batch row equal in every column to a row already staged is a re-sent duplicate
    (an at-least-once feed): it collapses, as exact duplicates inside one batch do."""
    staged = exp.Table(
        this=staging.this.copy(), db=staging.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__s"))
    )
    same = q.and_all([_same_value(q.col(c.name, "__s"), q.col(c.name, source)) for c in spec.columns])
    delete = exp.Delete(
        this=q.table(source), where=exp.Where(this=q.exists(q.select(q.lit(1)).from_(staged).where(same)))
    )
    return run(delete, "drop the rows re-sent exactly as already loaded")


def _earlier_copies(spec: m.SourceSpec, staging: exp.Table, source: str) -> Statement:
    """Append: a staged row that a late batch (of an earlier batch date) re-sends exactly gives
    way to the batch's copy, which then loads: one load of the batches in date order keeps the
    earliest copy and collapses the later ones, so staging (its `_batch_date`, `_source_file`)
    ends the same however the batches came."""
    same = q.and_all([_same_value(q.col(c.name, staging.name), q.col(c.name, source)) for c in spec.columns])
    earlier = exp.LT(this=q.col("_batch_date", source), expression=q.col("_batch_date", staging.name))
    delete = exp.Delete(
        this=staging.copy(), using=[q.table(source)], where=exp.Where(this=exp.And(this=same, expression=earlier))
    )
    return run(delete, "a row an earlier batch re-sends exactly: that batch's copy is kept")


def _this_load(dialect: Dialect) -> exp.Alias:
    return q.alias(q.cast(dialect.placeholder("load_seq"), dialect.column_type(LOAD_SEQ.portable_type)), LOAD_SEQ.name)


def build_load(spec: m.SourceSpec, naming: Naming, dialect: Dialect, kept: tuple[str, ...] = ()) -> list[Statement]:
    """`kept`: the columns whose replaced values the models downstream follow (scoping.value_columns)."""
    staging = naming.table_of(spec.name)
    columns = [c.name for c in staging_columns(spec)]
    statements = [
        run(q.drop_table(load_name(spec)), "drop a leftover load table"),
        run(q.drop_table(dedup_name(spec)), "drop a leftover de-duplication table"),
        *load_batch(spec, dialect),
    ]
    source = load_name(spec)
    rejecting = bool(spec.primary_key) and spec.on_conflict is m.OnConflict.REJECT
    if rejecting:
        statements.insert(2, run(q.drop_table(conflicts_name(spec)), "drop a leftover conflicts table"))
    if spec.primary_key:
        statements.append(
            report(conflicts(spec, dialect), "primary keys delivered with differing rows (named, up to three)")
        )
        if spec.on_conflict is m.OnConflict.FAIL:
            statements.append(
                guard(
                    q.select(exp.Count(this=exp.Star())).from_(q.subquery(_conflicting_keys(spec, dialect), "__c")),
                    f"rows of this batch share a primary key of '{spec.name}' but differ (on_conflict: fail)",
                )
            )
        if rejecting:
            statements += reject_conflicts(spec, naming, dialect)
        statements.append(
            run(
                q.create_temp_as(
                    dedup_name(spec),
                    deduplicate(
                        spec,
                        dialect,
                        exclude_conflicts=rejecting,
                        staging=staging if spec.load_mode is m.LoadMode.UPSERT else None,
                    ),
                ),
                "keep one row per primary key ('latest wins')",
            )
        )
        source = dedup_name(spec)
    written = [*columns, LOAD_SEQ.name]
    if spec.load_mode is m.LoadMode.UPSERT:
        if rejecting:
            statements.append(_rejected_after_loading_guard(spec, staging))
        statements += keep_replaced_values(spec, kept, source, naming, dialect)
        if dialect.upsert_by_merge:
            statements.append(run(merge(staging, source, spec.primary_key, written, dialect), "upsert by primary key"))
        else:
            statements += delete_insert(staging, source, spec.primary_key, written)
    else:
        if spec.load_mode is m.LoadMode.APPEND:
            statements.append(_reform_batches(spec, staging))
        if spec.load_mode is m.LoadMode.APPEND and spec.primary_key:
            statements.append(_earlier_copies(spec, staging, source))
            statements.append(_resent(spec, staging, source))
            statements.append(_already_loaded_guard(spec, staging, source))
            statements.append(_redelivered_guard(spec))
        if spec.load_mode is m.LoadMode.FULL_REFRESH:
            statements.append(run(exp.Delete(this=staging.copy()), "replace: remove the previous rows"))
        tagged = q.select(*q.cols(columns), q.col(LOAD_SEQ.name) if spec.primary_key else _this_load(dialect))
        statements.append(run(q.insert_select(staging, written, tagged.from_(q.table(source))), "insert the batch"))
    statements.append(report(batch_counts(spec), "rows read and rows kept after de-duplication"))
    statements.append(Statement(ledger_insert(naming, dialect), "record the file in the ledger", per_file=True))
    statements += [
        run(q.drop_table(load_name(spec)), "drop the load table"),
        run(q.drop_table(dedup_name(spec)), "drop the de-duplication table"),
    ]
    if rejecting:
        statements.append(run(q.drop_table(conflicts_name(spec)), "drop the conflicts table"))
    return statements


# -- rejected rows --------------------------------------------------------------------------------
REJECTS_COLUMNS = (
    "pipeline",
    "source",
    "path",
    "line",
    "raw",
    "reason",
    "batch_date",
    "run_id",
    "column_name",
    "kind",
)


def rejects_name(spec: m.SourceSpec) -> str:
    return f"__rejects_{spec.name}"


def conflicts_name(spec: m.SourceSpec) -> str:
    return f"__conflicts_{spec.name}"


def load_rejects(spec: m.SourceSpec, naming: Naming, dialect: Dialect) -> list[Statement]:
    """The rows ingest rejected from the batch's files, read from their rejects files into the
    rejects table — in the load's transaction, so they arrive exactly once, with their batch.
    The runner runs these only when the batch has rejects files."""
    read = [c.name for c in REJECT_FILE_COLUMNS]
    values = {
        "pipeline": dialect.placeholder("pipeline"),
        "run_id": dialect.placeholder("run_id"),
        "kind": q.lit("parse"),
        **{name: q.col(name) for name in read},
    }
    insert = q.insert_select(
        naming.internal("rejects"),
        list(REJECTS_COLUMNS),
        q.select(*(values[c] for c in REJECTS_COLUMNS)).from_(q.table(rejects_name(spec))),
    )
    return [
        run(q.drop_table(rejects_name(spec)), "drop a leftover rejects table"),
        *read_files(rejects_name(spec), REJECT_FILE_COLUMNS, dialect, REJECT_FILES, "the batch's rejects"),
        record(insert, "record the rows ingest rejected"),
        run(q.drop_table(rejects_name(spec)), "drop the rejects table"),
    ]


def reject_conflicts(spec: m.SourceSpec, naming: Naming, dialect: Dialect) -> list[Statement]:
    """on_conflict: reject — every row of a key delivered with differing rows goes to the
    rejects table, and none of them loads (staging keeps what it had for that key)."""
    per_batch = [*spec.primary_key, "_batch_date"]
    conflicting = q.select(*q.cols(per_batch)).from_(q.subquery(_distinct_rows(spec), "__d"))
    conflicting = conflicting.group_by(*q.cols(per_batch)).having(
        exp.GT(this=exp.Count(this=exp.Star()), expression=q.lit(1))
    )
    delimiter = q.lit(spec.landing.csv.delimiter)
    fields: list[exp.Expression] = []
    for i, column in enumerate(spec.columns):
        if i:
            fields.append(delimiter.copy())
        fields.append(exp.Coalesce(this=q.cast(q.col(column.name), dialect.text_type), expressions=[q.lit("")]))
    raw = exp.Substring(this=q.concat(fields), start=q.lit(1), length=q.lit(REJECT_TEXT_LIMIT))
    keys = ", ".join(spec.primary_key)
    values = {
        "pipeline": dialect.placeholder("pipeline"),
        "source": q.lit(spec.name),
        "path": q.col("_source_file"),
        "line": q.col("_source_line"),
        "raw": raw,
        "reason": q.lit(
            f"primary key ({keys}) delivered with differing rows in this batch (on_conflict: reject): "
            "none of them loaded"
        ),
        "batch_date": q.col("_batch_date"),
        "run_id": dialect.placeholder("run_id"),
        "column_name": q.lit(keys),
        "kind": q.lit("conflict"),
    }
    rows = q.select(*(values[c] for c in REJECTS_COLUMNS)).from_(q.table(load_name(spec)))
    rows = rows.where(_in_conflicts(spec))
    counted = q.select(q.alias(exp.Count(this=exp.Star()), "rows_rejected")).from_(q.table(load_name(spec)))
    return [
        run(q.create_temp_as(conflicts_name(spec), conflicting), "the primary keys delivered with differing rows"),
        record(q.insert_select(naming.internal("rejects"), list(REJECTS_COLUMNS), rows), "reject their rows"),
        report(counted.where(_in_conflicts(spec)), "rows rejected for conflicting keys"),
    ]


def _in_conflicts(spec: m.SourceSpec) -> exp.Exists:
    """A load row whose key is in the conflicts table."""
    conflict = exp.Table(this=q.ident(conflicts_name(spec)), alias=exp.TableAlias(this=q.ident("__k")))
    per_batch = [*spec.primary_key, "_batch_date"]
    return q.exists(q.select(q.lit(1)).from_(conflict).where(q.keys_equal(per_batch, "__k", load_name(spec))))


def _reform_batches(spec: m.SourceSpec, staging: exp.Table) -> Statement:
    """Append: a batch an earlier run loaded part of (more files of it were ingested since) is
    loaded whole again — the runner reads its loaded files with the new ones — so its rows staged
    before go first; rows of a batch no run loaded are not staged, and this deletes nothing."""
    batches = q.select(q.col("_batch_date")).from_(q.table(load_name(spec)))
    where = exp.Where(this=exp.In(this=q.col("_batch_date"), query=exp.Subquery(this=batches)))
    return run(
        exp.Delete(this=staging.copy(), where=where), "a batch loaded in part before: its rows, loaded whole now"
    )


def _rejected_after_loading_guard(spec: m.SourceSpec, staging: exp.Table) -> Statement:
    """Upsert with on_conflict: reject, a batch loaded whole again (more of its files arrived): a
    key its files now conflict on was loaded from it by an earlier run, which replaced the row
    staged before it — that row cannot come back from staging, so the load refuses (a reload
    from the lake reads every batch again)."""
    staged = exp.Table(
        this=staging.this.copy(), db=staging.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__s"))
    )
    same = q.and_all(
        [
            *(exp.EQ(this=q.col(k, "__s"), expression=q.col(k, "__c")) for k in spec.primary_key),
            exp.EQ(this=q.col("_batch_date", "__s"), expression=q.col("_batch_date", "__c")),
        ]
    )
    conflicted = exp.Table(this=q.ident(conflicts_name(spec)), alias=exp.TableAlias(this=q.ident("__c")))
    count = (
        q.select(exp.Count(this=exp.Star()))
        .from_(staged)
        .where(q.exists(q.select(q.lit(1)).from_(conflicted).where(same)))
    )
    return guard(
        count,
        f"keys of '{spec.name}' a batch's files now conflict on (on_conflict: reject) were loaded from that batch "
        f"by an earlier run, before its other files arrived: reload the source from the lake "
        f"(`elt run --full --select {spec.name}+`)",
    )


GUARD_SAMPLE = 3  # offending keys a failed guard names


def _already_loaded_guard(spec: m.SourceSpec, staging: exp.Table, source: str) -> Statement:
    """Append never overwrites: a batch row whose key is already staged fails the load on every target
    (DuckDB would reject it, Redshift would silently keep both), naming the first few rows."""
    existing = exp.Table(
        this=staging.this.copy(), db=staging.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__s"))
    )
    origin = {"_source_file": "file", "_source_line": "line", "_batch_date": "batch"}
    repeated = (
        q.select(
            found_count(),
            *q.cols(spec.primary_key, source),
            *(q.alias(q.col(column, source), name) for column, name in origin.items()),
        )
        .from_(q.table(source))
        .where(q.exists(q.select(q.lit(1)).from_(existing).where(q.keys_equal(spec.primary_key, "__s", source))))
        .order_by(*q.cols(spec.primary_key, source), q.col("_source_line", source))
        .limit(GUARD_SAMPLE)
    )
    return guard(
        repeated,
        f"rows of this batch repeat primary keys already loaded into '{spec.name}' "
        f"(load_mode append never overwrites: {_to_replace(spec)})",
    )


def _redelivered_guard(spec: m.SourceSpec) -> Statement:
    """Append, several batches in one load: a key a later batch delivers again with other values
    fails the load, as it fails when the batches load in runs of their own (the guard above) —
    not the latest kept, which would make staging depend on how often runs run."""
    columns = [c.name for c in spec.columns]
    differing = (  # keys with more than one distinct row, across the load's batches
        q.select(*q.cols(spec.primary_key))
        .from_(q.subquery(q.select(*q.cols(columns)).distinct().from_(q.table(load_name(spec))), "__d"))
        .group_by(*q.cols(spec.primary_key))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=q.lit(1)))
    )
    in_batches = (  # keys delivered in more than one batch, with the first and the last of them
        q.select(
            *q.cols(spec.primary_key),
            q.alias(exp.Min(this=q.col("_batch_date")), "first_batch"),
            q.alias(exp.Max(this=q.col("_batch_date")), "again_in_batch"),
        )
        .from_(q.table(load_name(spec)))
        .group_by(*q.cols(spec.primary_key))
        .having(exp.GT(this=exp.Count(this=exp.Distinct(expressions=[q.col("_batch_date")])), expression=q.lit(1)))
    )
    both = (  # a join, not a correlated EXISTS: Redshift restricts those
        q.select(
            found_count(), *q.cols(spec.primary_key, "__b"), q.col("first_batch", "__b"), q.col("again_in_batch", "__b")
        )
        .from_(q.subquery(in_batches, "__b"))
        .join(q.subquery(differing, "__v"), on=q.keys_equal(spec.primary_key, "__v", "__b"))
        .order_by(*q.cols(spec.primary_key, "__b"))
        .limit(GUARD_SAMPLE)
    )
    return guard(
        both,
        f"a later batch delivers primary keys of '{spec.name}' again with other values "
        f"(load_mode append never overwrites: {_to_replace(spec)})",
    )


def _to_replace(spec: m.SourceSpec) -> str:
    return (
        f"to let a later batch replace a key, set `load_mode: upsert` and reload the source with "
        f"`elt run --full --select {spec.name}+`"
    )


def ledger_insert(naming: Naming, dialect: Dialect) -> exp.Insert:
    values = exp.Tuple(expressions=[dialect.placeholder(c) for c in LEDGER_COLUMNS])
    return exp.Insert(
        this=exp.Schema(this=naming.internal("file_ledger"), expressions=[q.ident(c) for c in LEDGER_COLUMNS]),
        expression=exp.Values(expressions=[values]),
    )


CONFLICT_SAMPLE = 3  # keys named in the warning


def _distinct_rows(spec: m.SourceSpec) -> exp.Select:
    """The load's rows per batch, exact duplicates collapsed (they never conflict). A conflict is
    between rows of one batch: a later batch's row of a key replaces an earlier one's, whether
    the two batches load in one run or in two."""
    columns = [c.name for c in spec.columns]
    return q.select(*q.cols([*columns, "_batch_date"])).distinct().from_(q.table(load_name(spec)))


def _conflicting_keys(spec: m.SourceSpec, dialect: Dialect) -> exp.Select:
    """One row per primary key whose delivered rows differ, as one text (to name it)."""
    distinct = _distinct_rows(spec)
    parts = [exp.Coalesce(this=q.cast(q.col(k), dialect.text_type), expressions=[q.lit("")]) for k in spec.primary_key]
    key: exp.Expression = parts[0]
    for part in parts[1:]:
        key = exp.DPipe(this=exp.DPipe(this=key, expression=q.lit("|")), expression=part)
    return (
        q.select(q.alias(key, "__k"))
        .from_(q.subquery(distinct, "__d"))
        .group_by(*q.cols([*spec.primary_key, "_batch_date"]))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=q.lit(1)))
    )


def conflicts(spec: m.SourceSpec, dialect: Dialect) -> exp.Select:
    """How many primary keys were delivered with differing rows, and the first few of them."""
    numbered = q.select(
        q.col("__k"),
        q.alias(exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[q.asc(q.col("__k"))])), "__n"),
    ).from_(q.subquery(_conflicting_keys(spec, dialect), "__c"))
    sample = [
        q.alias(
            exp.Max(
                this=exp.Case(ifs=[exp.If(this=exp.EQ(this=q.col("__n"), expression=q.lit(i)), true=q.col("__k"))])
            ),
            f"conflict_{i}",
        )
        for i in range(1, CONFLICT_SAMPLE + 1)
    ]
    return q.select(q.alias(exp.Count(this=exp.Star()), "conflicting_keys"), *sample).from_(q.subquery(numbered, "__r"))


def batch_counts(spec: m.SourceSpec) -> exp.Select:
    """Rows read and rows kept after de-duplication (run before the work tables are dropped)."""
    read = exp.Subquery(this=q.select(exp.Count(this=exp.Star())).from_(q.table(load_name(spec))))
    kept = exp.Subquery(
        this=q.select(exp.Count(this=exp.Star())).from_(
            q.table(dedup_name(spec) if spec.primary_key else load_name(spec))
        )
    )
    return q.select(q.alias(read, "rows_read"), q.alias(kept, "rows_kept"))
