"""Specs + graph + target → a Plan: ordered steps of sqlglot statements. No SQL text yet.

Steps, in run order:
  setup          CREATE SCHEMA for every schema, the framework's own tables (ledger, run log, rejects)
  table:<spec>   CREATE TABLE IF NOT EXISTS for each staging table and each non-view model
  load:<source>  load a batch of lake files into staging (see builders/staging.py)
  build:<model>  build a model by its materialization and history
  check:<model>  the model's checks (error-severity failures block its downstream models)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlglot import exp

from framework.compile.builders import checks as check_builder
from framework.compile.builders import ddl, models, scd2, scoping, staging
from framework.compile.builders.source_query import qualified_query
from framework.compile.manifest import InternalQuery, StepKind, step_id
from framework.compile.naming import INTERNAL_TABLES, Naming
from framework.compile.statements import Statement, report, run
from framework.graph import DependencyGraph, build_graph
from framework.spec import model as m
from framework.spec.bookkeeping import BUILD_SEQ, LOAD_SEQ
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import BATCH_FILES, REJECT_FILES, LoadMethod
from framework.sql.lineage import KeyScope, model_key_scope, whole_reason
from framework.sql.schema import project_schema


@dataclass(frozen=True)
class Step:
    kind: StepKind
    spec: str | None
    statements: tuple[Statement, ...]
    depends_on: tuple[str, ...] = ()
    transactional: bool = True
    checks: tuple[check_builder.CompiledCheck, ...] = ()
    params: tuple[str, ...] = ()  # run-time parameters the statements expect
    # An incremental model's build: drop its table first, in the build's transaction, when
    # `elt run --full` meets a table its spec outgrew (render adds the table step's CREATE).
    drop_table: Statement | None = None
    rejects: tuple[Statement, ...] = ()  # a load: its batch's rejected rows (when it has any)
    scoped: tuple[Statement, ...] = ()  # a build restricted to the keys its inputs' changes affect
    scoped_checks: tuple[check_builder.CompiledCheck, ...] = ()  # checks: on a scoped build's rows
    # An incremental build that rewrites every row it keeps: a column its table lacks is added in
    # place (ALTER TABLE … ADD COLUMN, nullable) in the build's transaction, and the whole build
    # fills it. column → its ADD COLUMN.
    add_columns: tuple[tuple[str, Statement], ...] = ()
    # a load: empty its table in place, for a reload from the lake; a time_range build: for --full
    clear_table: Statement | None = None
    # a build whose table (or view) is dropped and made anew: the pipeline's views reading it, which
    # a binding database (PostgreSQL) will not let it drop — dropped first, made again after
    release_views: tuple[Statement, ...] = ()
    restore_views: tuple[Statement, ...] = ()
    # a load or a build: every model downstream of it marked stale, in its transaction
    invalidates: Statement | None = None

    @property
    def id(self) -> str:
        return step_id(self.kind, self.spec)


@dataclass(frozen=True)
class Plan:
    pipeline: str
    dialect: Dialect
    naming: Naming
    graph: DependencyGraph
    steps: tuple[Step, ...] = field(default_factory=tuple)
    internal: tuple[tuple[InternalQuery, exp.Expression], ...] = ()  # the runner's own queries
    # framework columns newer than the table: (schema.table, column, statements)
    upgrades: tuple[tuple[str, str, tuple[Statement, ...]], ...] = ()
    scopes: tuple[tuple[str, KeyScope], ...] = ()  # model → the key its builds can be restricted to
    whole: tuple[tuple[str, str], ...] = ()  # incremental model → why its builds never are

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


def plan_project(project: m.Project, dialect: Dialect) -> Plan:
    graph, problems = build_graph(project)
    if problems:
        from framework.errors import SpecError

        raise SpecError("the project has dependency errors; run `elt lint` first", problems)
    naming = Naming.for_project(project)
    schema = project_schema(project)
    steps = [_setup_step(naming, dialect)]
    order = graph.order()
    scopes, whole = _scopes(project, order, naming, schema)
    for name in order:
        spec = project.require(name)
        if isinstance(spec, m.SourceSpec):
            steps.append(
                Step(
                    StepKind.TABLE,
                    name,
                    (
                        run(
                            ddl.create_table(
                                naming.table_of(name),
                                staging.stored_columns(spec),
                                dialect,
                                primary_key=spec.primary_key,
                            ),
                            "create the staging table",
                        ),
                    ),
                    (step_id(StepKind.SETUP, None),),
                    transactional=dialect.transactional_ddl,
                )
            )
        elif spec.materialization is not m.Materialization.VIEW:
            steps.append(
                Step(
                    StepKind.TABLE,
                    name,
                    (run(_create_model_table(spec, naming, dialect), "create the table"),),
                    (step_id(StepKind.SETUP, None),),
                    transactional=dialect.transactional_ddl,
                )
            )
    kept = scoping.value_columns(project, scopes)
    for name in order:
        spec = project.require(name)
        if isinstance(spec, m.SourceSpec):
            steps.append(
                Step(
                    StepKind.LOAD,
                    name,
                    tuple(staging.build_load(spec, naming, dialect, kept.get(name, ()))),
                    (step_id(StepKind.TABLE, name),),
                    params=_load_params(dialect),
                    rejects=tuple(staging.load_rejects(spec, naming, dialect)),
                    add_columns=_staging_additions(spec, naming, dialect),
                    drop_table=run(
                        q.drop_table(name, naming.schema_of(name)), "drop the table to reload it from the lake"
                    ),
                    clear_table=run(
                        exp.Delete(this=naming.table_of(name)), "empty the table to reload it from the lake"
                    ),
                    invalidates=_invalidation(graph, order, name, naming, dialect),
                )
            )
    for name in order:
        spec = project.require(name)
        if not isinstance(spec, m.ModelSpec):
            continue
        # A build runs its checks before it publishes (write-audit-publish), so what they reference
        # is published first: its depends_on, and the targets of its relationships checks.
        upstream = tuple(_ready_step(project, dep) for dep in (*spec.depends_on, *_check_targets(spec)))
        own_table = () if spec.materialization is m.Materialization.VIEW else (step_id(StepKind.TABLE, name),)
        views = _views_reading(name, project, order, scopes, naming, dialect, schema)
        steps.append(
            Step(
                StepKind.BUILD,
                name,
                _whole_build(spec, project, scopes, naming, dialect, schema),
                own_table + upstream,
                params=_build_params(spec),
                drop_table=_drop_outgrown(spec, naming),
                clear_table=_cleared_by_full_run(spec, naming),
                scoped=_scoped_build(spec, project, scopes, naming, dialect, schema),
                add_columns=_column_additions(spec, naming, dialect),
                release_views=views[0],
                restore_views=views[1],
                invalidates=_invalidation(graph, order, name, naming, dialect),
            )
        )
        compiled = tuple(check_builder.compile_checks(spec, naming, dialect))
        narrowed = (
            tuple(
                scoping.scoped_checks(
                    check_builder.compile_checks(spec, naming, dialect, few_rows=True), spec, scopes[name], naming
                )
            )
            if name in scopes
            else ()
        )
        referenced = tuple(
            sorted(
                {
                    step_id(StepKind.BUILD, c.to_spec)
                    for c in spec.checks
                    if c.type is m.CheckType.RELATIONSHIPS
                    and c.to_spec != name
                    and project.require(c.to_spec).kind is m.SpecKind.MODEL
                }
            )
        )
        steps.append(
            Step(
                StepKind.CHECK,
                name,
                _all_counts(compiled),
                (step_id(StepKind.BUILD, name),) + referenced,
                transactional=False,
                checks=compiled,
                scoped=_all_counts(narrowed),
                scoped_checks=narrowed,
            )
        )
    from framework.compile.builders.internal import column_upgrades, internal_statements

    upgrades = tuple(
        (table, column, tuple(run(s, f"add {column} to {table}") for s in statements))
        for table, column, statements in [
            *column_upgrades(naming, dialect),
            *_counter_upgrades(project, naming, dialect),
        ]
    )
    return Plan(
        project.pipeline_spec.name,
        dialect,
        naming,
        graph,
        _run_order(steps),
        tuple(internal_statements(naming, dialect, _counted(project, graph)).items()),
        upgrades,
        tuple(scopes.items()),
        tuple(whole.items()),
    )


def _counted(project: m.Project, graph) -> tuple[str, ...]:
    """The specs whose tables hold rows to count: every source, every model but a view."""
    counted = []
    for name in graph.order():
        spec = project.require(name)
        if isinstance(spec, m.SourceSpec) or spec.materialization is not m.Materialization.VIEW:
            counted.append(name)
    return tuple(counted)


def _counter_upgrades(
    project: m.Project, naming: Naming, dialect: Dialect
) -> list[tuple[str, str, list[exp.Expression]]]:
    """Tables made before their counter column existed get it, backfilled: a staging table its
    `_load_seq`, a model table (not a view) its `_build_seq`."""
    pipeline = project.pipeline_spec.name
    upgrades = []
    for spec in project.specs:
        if isinstance(spec, m.SourceSpec):
            column, statements = LOAD_SEQ, staging.load_seq_upgrade(spec, pipeline, naming, dialect)
        elif spec.materialization is not m.Materialization.VIEW:
            column, statements = BUILD_SEQ, models.build_seq_upgrade(spec, pipeline, naming, dialect)
        else:
            continue
        table = naming.table_of(spec.name)
        upgrades.append((f"{table.db}.{table.name}", column.name, statements))
    return upgrades


def _run_order(steps: list[Step]) -> tuple[Step, ...]:
    """Order steps so each follows what it depends on, keeping the planned order otherwise
    (a check may wait for a model planned after its own)."""
    position = {s.id: i for i, s in enumerate(steps)}
    done: set[str] = set()
    ordered: list[Step] = []
    pending = list(steps)
    while pending:
        ready = next(s for s in pending if all(d in done for d in s.depends_on if d in position))
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready.id)
    return tuple(ordered)


def table_key(spec: m.ModelSpec) -> tuple[str, ...]:
    """The table's primary key: the grain, plus valid_from under SCD2 (one row per version)."""
    if isinstance(spec.history, m.Scd2):
        return spec.keys.business + ("valid_from",)
    return spec.keys.business


def _scopes(
    project: m.Project, order: tuple[str, ...] | list[str], naming: Naming, schema: dict
) -> tuple[dict[str, KeyScope], dict[str, str]]:
    """The key scope of every model whose builds can be restricted to keys, upstream first; and
    for each other incremental model, why not."""
    found, whole = {}, {}
    for name in order:
        spec = project.require(name)
        if isinstance(spec, m.ModelSpec):
            scope = model_key_scope(spec, qualified_query(spec, naming, schema))
            if scope is not None and scope.paths:
                found[name] = scope
            elif why := whole_reason(spec, scope):
                whole[name] = why
    return found, whole


def _scoped_build(
    spec: m.ModelSpec, project: m.Project, scopes: dict[str, KeyScope], naming: Naming, dialect: Dialect, schema: dict
) -> tuple[Statement, ...]:
    scope = scopes.get(spec.name)
    if scope is None:
        return ()
    affected = scoping.affected_keys(spec, scope, project, scopes, naming, dialect)
    if not affected:
        return ()
    query = scoping.scoped_query(qualified_query(spec, naming, schema), scope, spec.name)
    build = build_model(
        spec, naming, dialect, schema, query, keep_staging=True, recomputed=scoping.recomputed(spec, scope)
    )
    read = scoping.read_downstream(project, scopes).get(spec.name)
    if read is None:  # no reader follows its changes (a whole build tells the others it was whole)
        return (*affected, *build, *scoping.audit_rows(spec, scope, naming))
    return (
        *affected,
        *scoping.keep_prior_rows(spec, naming, scope),
        *build,
        *scoping.audit_rows(spec, scope, naming),
        *scoping.record_changed(spec, scope.column, read, naming, dialect),
    )


def _whole_build(
    spec: m.ModelSpec, project: m.Project, scopes: dict[str, KeyScope], naming: Naming, dialect: Dialect, schema: dict
) -> tuple[Statement, ...]:
    """The model's build; a `table` model a key path starts from also records the rows its
    rebuild changed (dim_date gaining a day changes one row: its readers stay scoped)."""
    build = build_model(spec, naming, dialect, schema)
    read = scoping.read_downstream(project, scopes).get(spec.name)
    key = scoping.change_column(spec.name, project, scopes)
    if spec.materialization is not m.Materialization.TABLE or read is None or key is None:
        return tuple(build)
    return (
        *scoping.keep_prior_rows(spec, naming),
        *build,
        *scoping.record_changed(spec, key, read, naming, dialect, scoped=False),
    )


def build_model(
    spec: m.ModelSpec,
    naming: Naming,
    dialect: Dialect,
    schema: dict | None = None,
    query: exp.Query | None = None,
    keep_staging: bool = False,
    recomputed: exp.Expression | None = None,
) -> list[Statement]:
    """The model's build; `query` (default: its qualified SELECT) is what it reads; with
    `keep_staging`, a build that writes its staged rows as they are leaves them for its checks."""
    query = query if query is not None else qualified_query(spec, naming, schema)
    if spec.materialization is m.Materialization.VIEW:
        return models.build_view(spec, query, naming, dialect)
    if isinstance(spec.history, m.Scd2):
        return scd2.build_scd2(spec, query, naming, dialect)
    if spec.materialization is m.Materialization.TABLE:
        return models.build_full_refresh(spec, query, naming, dialect)
    return models.build_incremental(spec, query, naming, dialect, keep_staging=keep_staging, recomputed=recomputed)


def _all_counts(compiled) -> tuple[Statement, ...]:
    """Every check's failure count in one query (one round trip, scanned in parallel)."""
    if not compiled:
        return ()
    counts = [q.alias(exp.Subquery(this=c.count_query()), f"check_{i}") for i, c in enumerate(compiled)]
    return (report(q.select(*counts), "failing rows of every check, in check order"),)


def _check_targets(spec: m.ModelSpec) -> tuple[str, ...]:
    """The specs its relationships checks read that its depends_on does not already name."""
    targets = {c.to_spec for c in spec.checks if c.type is m.CheckType.RELATIONSHIPS and c.to_spec}
    return tuple(sorted(targets - {spec.name} - set(spec.depends_on)))


def _ready_step(project: m.Project, dep: str) -> str:
    """A model waits for a source's load, or for an upstream model's checks (errors block it)."""
    return step_id(StepKind.LOAD if project.require(dep).kind is m.SpecKind.SOURCE else StepKind.CHECK, dep)


def _build_params(spec: m.ModelSpec) -> tuple[str, ...]:
    """A table's build marks the rows it writes with its counter; an SCD2 build that closes the
    versions of absent keys closes them at the batch timestamp."""
    if spec.materialization is m.Materialization.VIEW:
        return ()
    if isinstance(spec.history, m.Scd2) and spec.history.hard_deletes is m.HardDeletes.INVALIDATE:
        return ("batch_ts", "build_seq")
    return ("build_seq",)


def _load_params(dialect: Dialect) -> tuple[str, ...]:
    files: tuple[str, ...]
    if dialect.load_method is LoadMethod.COPY_PARQUET:
        files = (BATCH_FILES[1], REJECT_FILES[1], "iam_role")
    else:
        files = (BATCH_FILES[0], REJECT_FILES[0])
    return files + staging.LEDGER_COLUMNS  # the ledger's load_seq is also the rows' _load_seq


def _invalidation(
    graph: DependencyGraph, order: tuple[str, ...], name: str, naming: Naming, dialect: Dialect
) -> Statement | None:
    """The models that read `name`, directly or through others (in build order), marked stale."""
    from framework.compile.builders.internal import invalidation

    downstream = graph.downstream(name, order)
    return run(invalidation(naming, dialect, downstream), "mark the models downstream stale") if downstream else None


def _setup_step(naming: Naming, dialect: Dialect) -> Step:
    statements = [run(ddl.create_schema(s), f"schema {s}") for s in naming.all_schemas()]
    for internal in INTERNAL_TABLES:
        statements.append(
            run(
                ddl.create_table(
                    naming.internal(internal.name), internal.columns, dialect, primary_key=internal.primary_key
                ),
                f"framework table {internal.name}",
            )
        )
    return Step(StepKind.SETUP, None, tuple(statements), transactional=dialect.transactional_ddl)


def _create_model_table(spec: m.ModelSpec, naming: Naming, dialect: Dialect):
    return ddl.create_table(
        naming.table_of(spec.name),
        models.stored_columns(spec),
        dialect,
        primary_key=table_key(spec),
        hints=spec.redshift,
    )


def _column_additions(spec: m.ModelSpec, naming: Naming, dialect: Dialect) -> tuple[tuple[str, Statement], ...]:
    """ADD COLUMN for each declared column of an incremental model whose whole build rewrites
    every row it keeps (merge, delete_insert, SCD1), and of an SCD2 model: its versions before
    keep NULL in it (their observations had none), where a table made anew would lose every
    version staging no longer holds. Not time_range (only a range is rewritten: a whole rebuild
    from its inputs fills it)."""
    if spec.materialization is not m.Materialization.INCREMENTAL or spec.incremental is None:
        return ()
    if spec.incremental.strategy is m.IncrementalStrategy.TIME_RANGE:
        return ()
    return _nullable_additions(spec, naming, dialect)


def _staging_additions(spec: m.SourceSpec, naming: Naming, dialect: Dialect) -> tuple[tuple[str, Statement], ...]:
    """ADD COLUMN for each declared column of a source: a column the spec gains is added to its
    staging table in the load's transaction (the lake files ingested before have no value)."""
    return _nullable_additions(spec, naming, dialect)


def _nullable_additions(
    spec: m.ModelSpec | m.SourceSpec, naming: Naming, dialect: Dialect
) -> tuple[tuple[str, Statement], ...]:
    """column → its ADD COLUMN, nullable: the rows there before have no value yet."""
    table = naming.table_of(spec.name)
    return tuple(
        (
            c.name,
            run(
                ddl.add_column(table.copy(), dataclasses.replace(c, nullable=True), dialect),
                f"add column {c.name} (the spec declares it)",
            ),
        )
        for c in spec.columns
    )


def _views_reading(
    name: str,
    project: m.Project,
    order: list[str] | tuple[str, ...],
    scopes: dict[str, KeyScope],
    naming: Naming,
    dialect: Dialect,
    schema: dict,
) -> tuple[tuple[Statement, ...], tuple[Statement, ...]]:
    """The view models that read `name`, directly or through other views, upstream first: their
    drops (downstream first) and their builds — for a build that drops its table or view, where
    views bind to what they read (Redshift's late-binding views do not)."""
    if dialect.late_binding_views:
        return (), ()
    reading: set[str] = set()
    for other in order:
        spec = project.spec(other)
        if (
            isinstance(spec, m.ModelSpec)
            and spec.materialization is m.Materialization.VIEW
            and any(dep == name or dep in reading for dep in spec.depends_on)
        ):
            reading.add(other)
    views = [v for v in order if v in reading]
    drops = tuple(
        run(exp.Drop(tables=[naming.table_of(v)], kind="VIEW", exists=True), f"drop the view {v}, which reads it")
        for v in reversed(views)
    )
    builds = tuple(
        statement
        for v in views
        if isinstance(view := project.require(v), m.ModelSpec)
        for statement in _whole_build(view, project, scopes, naming, dialect, schema)
    )
    return drops, builds


def _cleared_by_full_run(spec: m.ModelSpec, naming: Naming) -> Statement | None:
    """A time_range model's build replaces the time values its SELECT returns: under `--full` (a
    load from scratch) its table is emptied first, so a time value no longer returned goes too.
    Only there: an SCD2 dimension's versions are history staging no longer holds."""
    incremental = spec.incremental
    if incremental is None or incremental.strategy is not m.IncrementalStrategy.TIME_RANGE:
        return None
    return run(exp.Delete(this=naming.table_of(spec.name)), "empty the table: a full run rebuilds it from scratch")


def _drop_outgrown(spec: m.ModelSpec, naming: Naming) -> Statement | None:
    """A table its spec outgrew: a table model's build recreates it (its rows are rebuilt whole
    anyway); an incremental model's only with `--full` (it keeps rows across builds). A view
    whose columns changed is dropped first: CREATE OR REPLACE VIEW takes only the same columns
    on PostgreSQL (some may be added at the end) and on Redshift."""
    if spec.materialization is m.Materialization.VIEW:
        drop = exp.Drop(tables=[naming.table_of(spec.name)], kind="VIEW", exists=True)
        return run(drop, "drop the view whose columns changed")
    return run(q.drop_table(spec.name, naming.schema_of(spec.name)), "drop the table its spec outgrew")
