"""Lint: every diagnostic for one or more pipeline folders, collected, never just the first."""

from __future__ import annotations

from dataclasses import dataclass

from framework.diagnostics import Diagnostic
from framework.spec.model import Project


@dataclass(frozen=True)
class LintResult:
    projects: tuple[Project, ...]
    diagnostics: tuple[Diagnostic, ...]


def lint_project_folder(root: str) -> tuple[Project, list[Diagnostic]]:
    from framework.graph import build_graph
    from framework.lint.references import check_project
    from framework.lint.semantic import check_spec
    from framework.lint.sql import check_model_sql
    from framework.spec.project import load_project

    project, found = load_project(root)
    specs = ([project.pipeline] if project.pipeline else []) + list(project.specs)
    for spec in specs:
        found.extend(check_spec(spec))
    _, graph_problems = build_graph(project)
    found.extend(graph_problems)
    found.extend(check_project(project))
    found.extend(_model_sql(project, check_model_sql))
    return project, found


def _model_sql(project, check_model_sql) -> list:
    """Parse each model's SQL; where it parses, check it against the specs it reads."""
    from framework.lint.model_sql import check_conditions, check_model_against_specs
    from framework.sql.parse import parse_model
    from framework.sql.schema import project_schema

    found = []
    schema = project_schema(project)
    for spec in project.models:
        found.extend(check_model_sql(spec))
        found.extend(check_conditions(spec, project, schema))
        if spec.sql is None:
            continue
        parsed = parse_model(spec.sql)
        if parsed.tree is not None:
            found.extend(check_model_against_specs(spec, parsed, project, schema))
    return found


def lint_paths(paths: list[str]) -> tuple[LintResult, list[str]]:
    """Lint the pipelines at or above each path. Returns the result and paths that hold no pipeline."""
    from framework.spec.project import find_pipeline_roots

    roots: list[str] = []
    missing: list[str] = []
    for path in paths:
        here = find_pipeline_roots(path)
        if not here:
            missing.append(path)
        roots.extend(r for r in here if r not in roots)
    projects: list[Project] = []
    diagnostics: list[Diagnostic] = []
    for root in roots:
        project, found = lint_project_folder(root)
        projects.append(project)
        diagnostics.extend(found)
    diagnostics.extend(_shared_names(projects))
    return LintResult(tuple(projects), tuple(dict.fromkeys(diagnostics))), missing


def _shared_names(projects: list[Project]) -> list[Diagnostic]:
    """Two pipelines of one name: Airflow would keep one DAG of them (the name is the dag_id),
    and a warehouse tells pipelines' runs, ledger and state apart by it."""
    from framework.lint.semantic import pipeline_named_before

    found = []
    first: dict[str, str] = {}
    for project in projects:
        spec = project.pipeline
        if spec is None:
            continue
        if spec.name in first:
            found.append(pipeline_named_before(spec, first[spec.name]))
        else:
            first[spec.name] = spec.origin.path
    return found
