"""Specs + graph + target → a Plan: ordered steps of sqlglot statements. No SQL text yet.

Steps, in run order:
  setup          CREATE SCHEMA for every schema, the framework's own tables (ledger, run log, rejects)
  table:<spec>   CREATE TABLE IF NOT EXISTS for each staging table and each non-view model
  load:<source>  load a batch of lake files into staging (see builders/staging.py)
  build:<model>  build a model by its materialization and history
  check:<model>  the model's checks (error-severity failures block its downstream models)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framework.compile.builders import checks as check_builder
from framework.compile.builders import ddl, models, scd2, staging
from framework.compile.builders.source_query import qualified_query
from framework.compile.naming import INTERNAL_TABLES, Naming
from framework.compile.statements import Statement, run
from framework.compile.targets.base import Target
from framework.graph import DependencyGraph, build_graph
from framework.lint.model_sql import project_schema
from framework.spec import model as m


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # setup | table | load | build | check
    spec: str | None
    statements: tuple[Statement, ...]
    depends_on: tuple[str, ...] = ()
    transactional: bool = True
    checks: tuple[check_builder.CompiledCheck, ...] = ()
    params: tuple[str, ...] = ()  # run-time parameters the statements expect


@dataclass(frozen=True)
class Plan:
    pipeline: str
    target: Target
    naming: Naming
    graph: DependencyGraph
    steps: tuple[Step, ...] = field(default_factory=tuple)
    internal: tuple[tuple[str, object], ...] = ()  # the runner's own queries, by name

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


def plan_project(project: m.Project, target: Target) -> Plan:
    graph, problems = build_graph(project)
    if problems:
        from framework.errors import SpecError

        raise SpecError("the project has dependency errors; run `elt lint` first", problems)
    naming = Naming.for_project(project)
    schema = project_schema(project)
    steps = [_setup_step(naming, target)]
    order = graph.order()
    for name in order:
        spec = project.spec(name)
        if spec.kind == "source":
            steps.append(
                Step(
                    f"table:{name}",
                    "table",
                    name,
                    (
                        run(
                            ddl.create_table(
                                naming.table_of(name),
                                staging.staging_columns(spec),
                                target,
                                primary_key=spec.primary_key,
                            ),
                            "create the staging table",
                        ),
                    ),
                    ("setup",),
                    transactional=target.transactional_ddl,
                )
            )
        elif spec.materialization is not m.Materialization.VIEW:
            steps.append(
                Step(
                    f"table:{name}",
                    "table",
                    name,
                    (
                        run(
                            ddl.create_table(
                                naming.table_of(name),
                                spec.columns,
                                target,
                                primary_key=table_key(spec),
                                hints=spec.redshift,
                            ),
                            "create the table",
                        ),
                    ),
                    ("setup",),
                    transactional=target.transactional_ddl,
                )
            )
    for name in order:
        spec = project.spec(name)
        if spec.kind == "source":
            steps.append(
                Step(
                    f"load:{name}",
                    "load",
                    name,
                    tuple(staging.build_load(spec, naming, target)),
                    (f"table:{name}",),
                    params=_load_params(target),
                )
            )
    for name in order:
        spec = project.spec(name)
        if spec.kind != "model":
            continue
        upstream = tuple(_ready_step(project, dep) for dep in spec.depends_on)
        own_table = () if spec.materialization is m.Materialization.VIEW else (f"table:{name}",)
        steps.append(
            Step(
                f"build:{name}",
                "build",
                name,
                tuple(build_model(spec, naming, target, schema)),
                own_table + upstream,
                params=("batch_ts",) if _needs_batch_ts(spec) else (),
            )
        )
        compiled = tuple(check_builder.compile_checks(spec, naming))
        referenced = tuple(
            sorted(
                {
                    f"build:{c.to_spec}"
                    for c in spec.checks
                    if c.type is m.CheckType.RELATIONSHIPS
                    and c.to_spec != name
                    and project.spec(c.to_spec).kind == "model"
                }
            )
        )
        steps.append(
            Step(
                f"check:{name}",
                "check",
                name,
                _all_counts(compiled),
                (f"build:{name}",) + referenced,
                transactional=False,
                checks=compiled,
            )
        )
    from framework.compile.builders.internal import internal_statements

    rebuildable = tuple(s.name for s in project.models if s.materialization is m.Materialization.INCREMENTAL)
    return Plan(
        project.pipeline.name,
        target,
        naming,
        graph,
        _run_order(steps),
        tuple(internal_statements(naming, target, rebuildable).items()),
    )


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


def build_model(spec: m.ModelSpec, naming: Naming, target: Target, schema: dict | None = None) -> list[Statement]:
    query = qualified_query(spec, naming, schema)
    if spec.materialization is m.Materialization.VIEW:
        return models.build_view(spec, query, naming, target)
    if isinstance(spec.history, m.Scd2):
        return scd2.build_scd2(spec, query, naming, target)
    if spec.materialization is m.Materialization.TABLE:
        return models.build_full_refresh(spec, query, naming, target)
    return models.build_incremental(spec, query, naming, target)


def _all_counts(compiled) -> tuple[Statement, ...]:
    """Every check's failure count in one query (one round trip, scanned in parallel)."""
    if not compiled:
        return ()
    from sqlglot import exp

    from framework.compile.builders import sqlutil as q
    from framework.compile.statements import report

    counts = [q.alias(exp.Subquery(this=c.count_query()), f"check_{i}") for i, c in enumerate(compiled)]
    return (report(q.select(*counts), "failing rows of every check, in check order"),)


def _ready_step(project: m.Project, dep: str) -> str:
    """A model waits for a source's load, or for an upstream model's checks (errors block it)."""
    return f"load:{dep}" if project.spec(dep).kind == "source" else f"check:{dep}"


def _needs_batch_ts(spec: m.ModelSpec) -> bool:
    return isinstance(spec.history, m.Scd2) and spec.history.hard_deletes is m.HardDeletes.INVALIDATE


def _load_params(target: Target) -> tuple[str, ...]:
    files = ("manifest_url", "iam_role") if target.load_method == "copy_parquet" else ("batch_files",)
    return files + staging.LEDGER_COLUMNS


def _setup_step(naming: Naming, target: Target) -> Step:
    statements = [run(ddl.create_schema(s), f"schema {s}") for s in naming.all_schemas()]
    for internal in INTERNAL_TABLES:
        statements.append(
            run(
                ddl.create_table(
                    naming.internal(internal.name), internal.columns, target, primary_key=internal.primary_key
                ),
                f"framework table {internal.name}",
            )
        )
    return Step("setup", "setup", None, tuple(statements), transactional=target.transactional_ddl)
