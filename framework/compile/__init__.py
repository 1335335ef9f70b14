"""Compiler: specs → a plan of sqlglot statements per target → rendered SQL and manifest.json."""

from __future__ import annotations


def compile_project(project, target_name: str | None):
    """Plan and render a linted project for a warehouse target (or a pipeline target's name)."""
    from framework.compile.plan import plan_project
    from framework.compile.render import render_plan
    from framework.compile.targets import resolve_target

    target = resolve_target(target_name, project.pipeline)
    return render_plan(plan_project(project, target), project)
