"""Plan → SQL text per target → Manifest. The only place statements become strings.

Every statement is rendered with `unsupported_level=RAISE` and must be a fixed point of
sqlglot's parser: parsing the text and rendering it again gives the same text and the same
tree. A construct sqlglot would mangle (e.g. a quoted COPY option) fails compilation here
instead of failing in the warehouse.
"""

from __future__ import annotations

import hashlib
import os

from sqlglot import exp

from framework import __version__
from framework.compile.fingerprint import fingerprints
from framework.compile.manifest import (MANIFEST_VERSION, CheckInfo, ColumnInfo, Manifest, PipelineInfo, SpecInfo,
                                        StatementInfo, StepInfo, TargetInfo)
from framework.compile.plan import Plan
from framework.compile.targets.base import Target
from framework.spec import model as m


class RenderError(ValueError):
    pass


def render_statement(target: Target, statement: exp.Expression) -> str:
    """Pretty SQL for `target`, proven stable: compact text is a parse/render fixed point,
    and the pretty text parses back to the same tree."""
    import sqlglot
    from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

    try:
        # Comments are carried for readers but sqlglot moves them around, so the fixed-point
        # comparison is made without them (they never change what a statement does).
        compact = statement.sql(dialect=target.dialect, unsupported_level=ErrorLevel.RAISE, comments=False)
        tree = sqlglot.parse_one(compact, read=target.dialect, error_level=ErrorLevel.RAISE)
        pretty = target.render(tree)
        pretty_tree = sqlglot.parse_one(pretty, read=target.dialect, error_level=ErrorLevel.RAISE)
    except (UnsupportedError, ParseError) as err:
        raise RenderError(f"{target.name}: cannot render {statement.key.upper()}: {err}") from None
    again = tree.sql(dialect=target.dialect, comments=False)
    if again != compact or pretty_tree != tree:
        raise RenderError(f"{target.name}: {statement.key.upper()} does not survive a parse round trip:\n"
                          f"{compact}\n---\n{again}")
    return pretty


def placeholders(statement: exp.Expression) -> tuple[str, ...]:
    names = []
    for node in statement.find_all(exp.Placeholder):
        name = node.name
        if name and name not in names:
            names.append(name)
    return tuple(names)


def render_plan(plan: Plan, project: m.Project) -> Manifest:
    target = plan.target
    steps = []
    for step in plan.steps:
        statements = tuple(
            StatementInfo(render_statement(target, s.expression), s.purpose, s.kind, s.message, s.per_file,
                          placeholders(s.expression)) for s in step.statements)
        checks = tuple(CheckInfo(c.name, c.severity, c.description, render_statement(target, c.count_query()),
                                 render_statement(target, c.sample_query())) for c in step.checks)
        steps.append(StepInfo(step.id, step.kind, step.spec, step.depends_on, step.transactional, step.params,
                              statements, checks))
    return Manifest(MANIFEST_VERSION, __version__, target.name, pipeline_info(project), spec_infos(plan, project),
                    tuple(steps))


def spec_infos(plan: Plan, project: m.Project) -> tuple[SpecInfo, ...]:
    from framework.compile.builders.staging import staging_columns

    infos = []
    for name in plan.graph.order():
        spec = project.spec(name)
        table = plan.naming.table_of(name)
        columns = staging_columns(spec) if spec.kind == "source" else spec.columns
        infos.append(SpecInfo(
            name=name, kind=spec.kind, layer="staging" if spec.kind == "source" else spec.layer.value,
            table=f"{table.db}.{table.name}",
            materialization="table" if spec.kind == "source" else spec.materialization.value,
            columns=tuple(ColumnInfo(c.name, str(c.type), c.nullable) for c in columns),
            depends_on=tuple(getattr(spec, "depends_on", ())),
            fingerprints=tuple(sorted(fingerprints(spec).items())), description=spec.description))
    return tuple(infos)


def pipeline_info(project: m.Project) -> PipelineInfo:
    p = project.pipeline
    targets = tuple(TargetInfo(t.name, t.type, tuple((k, str(v)) for k, v in sorted(vars(t).items())
                                                     if k != "name" and v is not None)) for t in p.targets)
    return PipelineInfo(p.name, p.description, p.owner, p.tags, p.schedule, p.start_date, p.catchup,
                        p.default_target, targets, source_fingerprint(project.root))


def source_fingerprint(root: str) -> str:
    """A hash of every spec and SQL file under the pipeline folder (names and bytes)."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".yml", ".yaml", ".sql")):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read() + b"\0")
    return digest.hexdigest()[:16]
