"""Compiler: specs → a plan of sqlglot statements per target → rendered SQL and manifest.json."""

from __future__ import annotations


def compile_project(project, target_name: str | None):
    """Plan and render a linted project for a warehouse target (or a pipeline target's name)."""
    from framework.compile.plan import plan_project
    from framework.compile.render import render_plan
    from framework.compile.targets import resolve_target

    target = resolve_target(target_name, project.pipeline)
    return render_plan(plan_project(project, target), project)


def compile_bootstrap(
    project, dialect_name: str, database: str, writers: tuple[str, ...] = (), readers: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(purpose, SQL) of what an admin runs once on a new warehouse (builders/bootstrap.py),
    every statement rendered and verified like the pipeline's own."""
    import logging

    from framework.compile.builders.bootstrap import bootstrap_statements
    from framework.compile.naming import Naming
    from framework.compile.render import render_statement
    from framework.sql.dialects import get_dialect

    dialect = get_dialect(dialect_name)
    statements = bootstrap_statements(Naming.for_project(project), dialect, database, writers, readers)
    sqlglot_log = logging.getLogger("sqlglot")
    level = sqlglot_log.level
    sqlglot_log.setLevel(logging.ERROR)  # a role statement parses back as a Command, by design: no warning
    try:
        return [(s.purpose, render_statement(dialect, s.expression)) for s in statements]
    finally:
        sqlglot_log.setLevel(level)
