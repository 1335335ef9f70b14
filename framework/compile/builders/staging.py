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

from sqlglot import exp

from framework.compile.builders.ddl import column_def
from framework.compile.builders.models import delete_insert, merge
from framework.compile.naming import Naming
from framework.compile.statements import Statement, guard, report, run
from framework.spec import model as m
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import LoadMethod, StatementKind
from framework.sql.schema import INGEST_COLUMNS

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
)


def staging_columns(spec: m.SourceSpec) -> tuple[m.Column, ...]:
    return spec.columns + INGEST_COLUMNS


def load_name(spec: m.SourceSpec) -> str:
    return f"__load_{spec.name}"


def dedup_name(spec: m.SourceSpec) -> str:
    return f"__dedup_{spec.name}"


def load_batch(spec: m.SourceSpec, dialect: Dialect) -> list[Statement]:
    columns = [c.name for c in staging_columns(spec)]
    if dialect.load_method is LoadMethod.READ_PARQUET:
        reader = exp.Anonymous(this="read_parquet", expressions=[dialect.placeholder("batch_files")])
        return [
            run(
                q.create_temp_as(load_name(spec), q.select(*q.cols(columns)).from_(exp.Table(this=reader))),
                "read the batch's Parquet files by column name",
            )
        ]
    shape = exp.Schema(
        this=q.table(load_name(spec)), expressions=[column_def(c, dialect) for c in staging_columns(spec)]
    )
    create = exp.Create(this=shape, kind="TABLE", properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    if dialect.load_method is LoadMethod.COPY_STDIN:
        copy = exp.Copy(this=q.table(load_name(spec)), kind=True, files=[exp.Identifier(this="STDIN")])
        return [
            run(create, "a transient table shaped exactly like the lake files"),
            Statement(copy, "stream the batch's files into it", kind=StatementKind.COPY_IN),
        ]
    if dialect.load_method is LoadMethod.COPY_PARQUET:
        # AWS, "COPY from columnar data formats": only ACCEPTINVCHARS, FILLRECORD, FROM, IAM_ROLE,
        # CREDENTIALS, STATUPDATE, MANIFEST and EXPLICIT_IDS are supported (no MAXERROR, no
        # REGION); values go into columns by position and the column counts must match.
        # sqlglot mangles quoted COPY options in general (TIMEFORMAT 'auto' loses its quotes);
        # this exact shape does round-trip, is verified like every statement, and is pinned by
        # the golden files.
        copy = exp.Copy(
            this=q.table(load_name(spec)),
            kind=True,
            files=[dialect.placeholder("manifest_url")],
            credentials=exp.Credentials(iam_role=dialect.placeholder("iam_role")),
            params=[
                exp.CopyParameter(this=exp.Var(this="FORMAT"), expression=exp.Var(this="PARQUET")),
                exp.CopyParameter(this=exp.Var(this="MANIFEST")),
            ],
        )
        return [
            run(create, "a transient table shaped exactly like the lake files"),
            run(copy, "COPY the batch's files (listed in a manifest) by position"),
        ]
    from framework.errors import CompileError

    raise CompileError(f"unknown load method {dialect.load_method!r}")


def deduplicate(spec: m.SourceSpec) -> exp.Select:
    columns = [c.name for c in staging_columns(spec)]
    order_by = spec.deduplicate.order_by if spec.deduplicate else ()
    newest_first = not spec.deduplicate or spec.deduplicate.keep == "last"
    direction = q.desc if newest_first else q.asc
    tie_break = [c for c in ("_batch_date", "_source_file", "_source_line") if c not in order_by]
    ordering = [direction(q.col(c)) for c in (*order_by, *tie_break)]
    ranked = q.select(
        *q.cols(columns), q.alias(q.window(exp.RowNumber(), q.cols(spec.primary_key), ordering), "__rn")
    ).from_(q.table(load_name(spec)))
    return (
        q.select(*q.cols(columns))
        .from_(q.subquery(ranked, "__l"))
        .where(exp.EQ(this=q.col("__rn"), expression=q.lit(1)))
    )


def build_load(spec: m.SourceSpec, naming: Naming, dialect: Dialect) -> list[Statement]:
    staging = naming.table_of(spec.name)
    columns = [c.name for c in staging_columns(spec)]
    statements = [
        run(q.drop_table(load_name(spec)), "drop a leftover load table"),
        run(q.drop_table(dedup_name(spec)), "drop a leftover de-duplication table"),
        *load_batch(spec, dialect),
    ]
    source = load_name(spec)
    if spec.primary_key:
        statements.append(report(conflicts(spec), "primary keys delivered with differing rows (named, up to three)"))
        if spec.on_conflict is m.OnConflict.FAIL:
            statements.append(
                guard(
                    q.select(exp.Count(this=exp.Star())).from_(q.subquery(_conflicting_keys(spec), "__c")),
                    f"rows of this batch share a primary key of '{spec.name}' but differ (on_conflict: fail)",
                )
            )
        statements.append(
            run(q.create_temp_as(dedup_name(spec), deduplicate(spec)), "keep one row per primary key ('latest wins')")
        )
        source = dedup_name(spec)
    if spec.load_mode is m.LoadMode.UPSERT:
        if dialect.supports_merge:
            statements.append(run(merge(staging, source, spec.primary_key, columns, dialect), "upsert by primary key"))
        else:
            statements += delete_insert(staging, source, spec.primary_key, columns)
    else:
        if spec.load_mode is m.LoadMode.APPEND and spec.primary_key:
            statements.append(_already_loaded_guard(spec, staging, source))
        if spec.load_mode is m.LoadMode.FULL_REFRESH:
            statements.append(run(exp.Delete(this=staging.copy()), "replace: remove the previous rows"))
        statements.append(
            run(
                q.insert_select(staging, columns, q.select(*q.cols(columns)).from_(q.table(source))), "insert the batch"
            )
        )
    statements.append(report(batch_counts(spec), "rows read and rows kept after de-duplication"))
    statements.append(Statement(ledger_insert(naming, dialect), "record the file in the ledger", per_file=True))
    statements += [
        run(q.drop_table(load_name(spec)), "drop the load table"),
        run(q.drop_table(dedup_name(spec)), "drop the de-duplication table"),
    ]
    return statements


def _already_loaded_guard(spec: m.SourceSpec, staging: exp.Table, source: str) -> Statement:
    """Append never overwrites: a batch row whose key is already staged fails the load on every target
    (DuckDB would reject it, Redshift would silently keep both)."""
    existing = exp.Table(
        this=staging.this.copy(), db=staging.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__s"))
    )
    repeated = (
        q.select(exp.Count(this=exp.Star()))
        .from_(q.table(source))
        .where(q.exists(q.select(q.lit(1)).from_(existing).where(q.keys_equal(spec.primary_key, "__s", source))))
    )
    return guard(
        repeated,
        f"rows of this batch repeat primary keys already loaded into '{spec.name}' "
        "(load_mode append never overwrites; use upsert to replace them)",
    )


def ledger_insert(naming: Naming, dialect: Dialect) -> exp.Insert:
    values = exp.Tuple(expressions=[dialect.placeholder(c) for c in LEDGER_COLUMNS])
    return exp.Insert(
        this=exp.Schema(this=naming.internal("file_ledger"), expressions=[q.ident(c) for c in LEDGER_COLUMNS]),
        expression=exp.Values(expressions=[values]),
    )


CONFLICT_SAMPLE = 3  # keys named in the warning


def _conflicting_keys(spec: m.SourceSpec) -> exp.Select:
    """One row per primary key whose delivered rows differ (exact duplicates are one row here)."""
    data = [c.name for c in spec.columns]
    distinct = q.select(*q.cols(data)).distinct().from_(q.table(load_name(spec)))
    parts = [exp.Coalesce(this=q.cast(q.col(k), "VARCHAR"), expressions=[q.lit("")]) for k in spec.primary_key]
    key: exp.Expression = parts[0]
    for part in parts[1:]:
        key = exp.DPipe(this=exp.DPipe(this=key, expression=q.lit("|")), expression=part)
    return (
        q.select(q.alias(key, "__k"))
        .from_(q.subquery(distinct, "__d"))
        .group_by(*q.cols(spec.primary_key))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=q.lit(1)))
    )


def conflicts(spec: m.SourceSpec) -> exp.Select:
    """How many primary keys were delivered with differing rows, and the first few of them."""
    numbered = q.select(
        q.col("__k"),
        q.alias(exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[q.asc(q.col("__k"))])), "__n"),
    ).from_(q.subquery(_conflicting_keys(spec), "__c"))
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
