"""Plan → SQL text per target → Manifest. The only place statements become strings.

Every statement is rendered with `unsupported_level=RAISE` and must be a fixed point of
sqlglot's parser: parsing the text and rendering it again gives the same text and the same
tree. A construct sqlglot would mangle (e.g. a quoted COPY option) fails compilation here
instead of failing in the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from framework import errors
from framework.compile.fingerprint import fingerprints
from framework.compile.manifest import (
    MANIFEST_VERSION,
    CheckInfo,
    ColumnAddition,
    ColumnInfo,
    ColumnUpgrade,
    FreshnessInfo,
    Manifest,
    PipelineInfo,
    SpecInfo,
    StatementInfo,
    StepInfo,
    StepKind,
)
from framework.compile.plan import Plan, Step, table_key
from framework.compile.statements import Statement
from framework.sourcefiles import framework_build, source_fingerprint
from framework.spec import model as m
from framework.sql.dialects.base import Dialect


class RenderError(errors.CompileError):
    """A statement the target's dialect cannot render, or that does not survive a parse round trip."""


def render_statement(dialect: Dialect, statement: exp.Expression, *, verify: bool = True, consume: bool = False) -> str:
    """SQL text for `target`, one line: what the manifest carries and the warehouse runs.

    Verified (see `check_fixed_point`) unless verify=False. Comments are not carried (sqlglot
    moves them around). `consume=True` lets generation use the statement's tree in place (no
    copy), for callers that render a statement once and drop it, as render_plan does.
    Human-readable files are pretty-printed from this text by `pretty_sql`."""
    from sqlglot.errors import ErrorLevel, UnsupportedError

    statement = dialect.prepare(statement)
    try:
        text = statement.sql(
            dialect=dialect.sqlglot_dialect, unsupported_level=ErrorLevel.RAISE, comments=False, copy=not consume
        )
    except UnsupportedError as err:
        raise RenderError(f"{dialect.name}: cannot render {statement.key.upper()}: {err}") from None
    if verify:
        problem = check_fixed_point(text, dialect.sqlglot_dialect)
        if problem:
            raise RenderError(f"{dialect.name}: {problem}")
    return text


def check_fixed_point(text: str, dialect: str) -> str:
    """'' when parsing `text` and rendering it again gives `text` back (so the warehouse parses
    exactly the tree that was built); otherwise what went wrong. Pure: safe to run in workers."""
    import sqlglot
    from sqlglot.errors import ErrorLevel, ParseError

    try:
        tree = sqlglot.parse_one(text, read=dialect, error_level=ErrorLevel.RAISE)
    except ParseError as err:
        return f"the rendered SQL does not parse back: {err}\n{text}"
    again = tree.sql(dialect=dialect, comments=False, copy=False)  # `tree` is ours alone
    return "" if again == text else f"the SQL does not survive a parse round trip:\n{text}\n---\n{again}"


# Verifying is a parse per statement; past this many statements, two processes share it.
PARALLEL_VERIFY_FROM = 1500


def verify_all(texts: list[str], dialect: str, owners: dict[str, str] | None = None) -> None:
    """Every text a fixed point (see `check_fixed_point`); else a RenderError naming the first
    failing statement's owner (`owners`: text → the step that rendered it)."""
    from framework.forking import single_threaded

    texts = list(dict.fromkeys(texts))  # the same text has the same fixed point: verify it once

    if len(texts) < PARALLEL_VERIFY_FROM or not single_threaded():  # never fork a threaded process
        problems = [check_fixed_point(t, dialect) for t in texts]
    else:
        import multiprocessing
        from functools import partial

        with multiprocessing.get_context("fork").Pool(2) as pool:
            problems = pool.map(partial(check_fixed_point, dialect=dialect), texts, chunksize=64)
    failed = next((i for i, p in enumerate(problems) if p), None)
    if failed is not None:
        owner = (owners or {}).get(texts[failed], "")
        raise RenderError(
            (f"{owner}: " if owner else "")
            + f"the SQL compiled for {dialect} cannot be run as built (a construct sqlglot does not write back "
            f"the same way on {dialect}; rewrite it, or report it): {problems[failed]}"
        )


def pretty_sql(text: str, dialect: str) -> str:
    """A statement from the manifest, laid out for people (compile output files, golden files)."""
    import sqlglot

    return sqlglot.parse_one(text, read=dialect).sql(dialect=dialect, pretty=True, copy=False)


def placeholders(statement: exp.Expression) -> tuple[str, ...]:
    names = []
    for node in statement.find_all(exp.Placeholder):
        name = node.name
        if name and name not in names:
            names.append(name)
    return tuple(names)


def statement_shape(statement: exp.Expression) -> tuple[str, str]:
    """(verb, table) of a statement tree, read before rendering consumes it: the SQL verb and the
    table it writes (or, for a SELECT, the first table it reads), `schema.name` or `name`."""
    verb = {
        exp.Insert: "INSERT",
        exp.Delete: "DELETE",
        exp.Update: "UPDATE",
        exp.Merge: "MERGE",
        exp.Copy: "COPY",
        exp.Create: "CREATE",
        exp.Drop: "DROP",
        exp.Alter: "ALTER",
        exp.Select: "SELECT",
        exp.Union: "SELECT",
    }.get(type(statement), statement.key.upper())
    written = statement.args.get("this")
    scope = written if isinstance(written, exp.Expression) and not isinstance(statement, exp.Query) else statement
    table = scope if isinstance(scope, exp.Table) else scope.find(exp.Table)
    if not isinstance(table, exp.Table):
        return verb, ""
    return verb, ".".join(part for part in (table.db, table.name) if part)


def _recreate(
    step: Step, tables: dict[str | None, tuple[StatementInfo, ...]], text: Callable[[exp.Expression], str]
) -> tuple[StatementInfo, ...]:
    """A build's drop + its table step's CREATE (already rendered: the run order puts the table
    step first), to recreate a table its spec outgrew; a view's drop alone (its build creates it)."""
    if step.drop_table is None:
        return ()
    released = tuple(statement_info(s, text) for s in step.release_views)
    return (*released, statement_info(step.drop_table, text), *tables.get(step.spec, ()))


def statement_info(statement: Statement, text: Callable[[exp.Expression], str]) -> StatementInfo:
    """The manifest's record of a statement; its shape and parameters are read before `text`
    renders (and consumes) the tree."""
    verb, table = statement_shape(statement.expression)
    params = (statement.streams,) if statement.streams else placeholders(statement.expression)
    return StatementInfo(
        text(statement.expression),
        statement.purpose,
        statement.kind,
        statement.message,
        statement.per_file,
        params,
        verb,
        table,
        statement.columns,
    )


def render_plan(plan: Plan, project: m.Project) -> Manifest:
    """The plan's trees are consumed (rendered in place); plan again to render again."""
    dialect = plan.dialect
    to_verify: list[str] = []
    owners: dict[str, str] = {}  # rendered text → the step it was rendered for (named if it fails)
    rendering = [""]

    def text(statement: exp.Expression, verify: bool = True) -> str:
        rendered = render_statement(dialect, statement, verify=False, consume=True)
        if verify:
            to_verify.append(rendered)
            owners.setdefault(rendered, rendering[0])
        return rendered

    steps = []
    tables: dict[str | None, tuple[StatementInfo, ...]] = {}  # spec → its table step's statements
    for step in plan.steps:
        rendering[0] = step.id
        statements = tuple(statement_info(s, text) for s in step.statements)
        if step.kind is StepKind.TABLE:
            tables[step.spec] = statements
        # The sample query wraps the same failing-rows query the count query verifies (a scoped
        # check's count is verified inside the step's one counting query).
        checks = tuple(
            CheckInfo(c.name, c.severity, c.description, text(c.count_query()), text(c.sample_query(), verify=False))
            for c in step.checks
        )
        scoped_checks = tuple(
            CheckInfo(
                c.name,
                c.severity,
                c.description,
                text(c.count_query(), verify=False),
                text(c.sample_query(), verify=False),
            )
            for c in step.scoped_checks
        )
        steps.append(
            StepInfo(
                step.id,
                step.kind,
                step.spec,
                step.depends_on,
                step.transactional,
                step.params,
                statements,
                checks,
                dialect.load_method if step.kind is StepKind.LOAD else None,
                _recreate(step, tables, text),
                tuple(statement_info(s, text) for s in step.rejects),
                tuple(statement_info(s, text) for s in step.scoped),
                tuple(ColumnAddition(column, statement_info(s, text)) for column, s in step.add_columns),
                scoped_checks,
                (statement_info(step.clear_table, text),) if step.clear_table else (),
                tuple(statement_info(s, text) for s in step.restore_views),
                (statement_info(step.invalidates, text),) if step.invalidates else (),
            )
        )
    rendering[0] = "the runner's own queries"
    internal = tuple(statement_info(Statement(statement, name.value), text) for name, statement in plan.internal)
    upgrades = tuple(
        ColumnUpgrade(table, column, tuple(statement_info(s, text) for s in statements))
        for table, column, statements in plan.upgrades
    )
    verify_all(to_verify, dialect.sqlglot_dialect, owners)
    return Manifest(
        MANIFEST_VERSION,
        framework_build(),
        dialect.name,
        pipeline_info(project),
        spec_infos(plan, project),
        tuple(steps),
        internal,
        upgrades,
    )


def spec_infos(plan: Plan, project: m.Project) -> tuple[SpecInfo, ...]:
    from framework.compile.builders import models, scoping, staging

    scopes = dict(plan.scopes)
    kept = scoping.value_columns(project, scopes)
    infos = []
    for name in plan.graph.order():
        spec = project.require(name)
        table = plan.naming.table_of(name)
        columns = staging.stored_columns(spec) if isinstance(spec, m.SourceSpec) else models.stored_columns(spec)
        infos.append(
            SpecInfo(
                name=name,
                kind=spec.kind,
                layer="staging" if isinstance(spec, m.SourceSpec) else spec.layer.value,
                table=f"{table.db}.{table.name}",
                materialization=m.Materialization.TABLE if isinstance(spec, m.SourceSpec) else spec.materialization,
                columns=tuple(
                    ColumnInfo(c.name, str(c.type), c.nullable, plan.dialect.stored_type(c.type) if c.type else "")
                    for c in columns
                ),
                depends_on=() if isinstance(spec, m.SourceSpec) else spec.depends_on,
                fingerprints=tuple(sorted(fingerprints(spec).items())),
                description=spec.description,
                snapshot=isinstance(spec, m.SourceSpec) and spec.load_mode is m.LoadMode.FULL_REFRESH,
                allow_empty_snapshot=isinstance(spec, m.SourceSpec) and spec.allow_empty_snapshot,
                scope=dict(plan.scopes).get(name),
                tags=() if isinstance(spec, m.SourceSpec) else spec.tags,
                freshness=_freshness(spec),
                kept_values=kept.get(name, ()),
                changes_by=(scoping.change_column(name, project, scopes) or "")
                if spec.kind is m.SpecKind.MODEL
                else "",
                whole_because=dict(plan.whole).get(name, ""),
                check_parents=tuple(
                    sorted(
                        {
                            (c.to_spec, c.to_column)
                            for c in spec.checks
                            if c.type is m.CheckType.RELATIONSHIPS and c.to_spec and c.to_spec != name
                        }
                    )
                )
                if isinstance(spec, m.ModelSpec)
                else (),
                keeps_history=isinstance(spec, m.ModelSpec) and isinstance(spec.history, m.Scd2),
                surrogate_key=spec.keys.surrogate or ""
                if isinstance(spec, m.ModelSpec) and isinstance(spec.history, m.Scd2)
                else "",
                primary_key=table_key(spec)
                if isinstance(spec, m.ModelSpec) and plan.dialect.declare_primary_keys
                else (),
            )
        )
    return tuple(infos)


def _freshness(spec: m.SourceSpec | m.ModelSpec) -> FreshnessInfo | None:
    if not isinstance(spec, m.SourceSpec) or spec.freshness is None:
        return None
    return FreshnessInfo(spec.freshness.warn_after, spec.freshness.error_after)


def pipeline_info(project: m.Project) -> PipelineInfo:
    p = project.pipeline_spec
    return PipelineInfo(
        p.name,
        p.description,
        p.owner,
        p.tags,
        p.schedule,
        p.start_date,
        p.catchup,
        p.default_target,
        p.targets,
        source_fingerprint(project.root),
    )
