"""pipeline.yml → the chosen target's resolved settings, without compiling anything.

A well-formed file is read with the YAML loader alone (JSON Schema validation costs more than a
run with nothing to do); anything unexpected goes through full validation for its message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from framework.errors import ConfigError
from framework.settings.targets import RESOLVED, TargetSettings
from framework.spec.targets import AnyTarget, declared_target


class SettingsError(ConfigError):
    """The target cannot be resolved; `diagnostics` holds pipeline.yml's findings when it has any."""

    def __init__(self, message: str, diagnostics: Iterable[Any] = ()):  # Diagnostic items
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


def project_dir_of(pipeline_root: str) -> str:
    """The anchor of a pipeline's relative paths (see the package docstring)."""
    folder = os.path.abspath(pipeline_root)
    probe = folder
    while True:
        parent = os.path.dirname(probe)
        if os.path.basename(probe) == "pipelines":
            return parent
        if parent == probe:
            return folder
        probe = parent


def resolve_target(
    pipeline_root: str, target_name: str | None = None, project_dir: str | None = None
) -> TargetSettings:
    """The named target (else the default) of `<pipeline_root>/pipeline.yml`, resolved.
    `project_dir` overrides the anchor (an Airflow deployment's ELT_PROJECT_DIR)."""
    from framework.spec.yaml_io import load_document

    path = os.path.join(pipeline_root, "pipeline.yml")
    try:
        with open(path, "rb") as handle:
            doc, problems = load_document(path, handle.read())
    except OSError as err:
        raise SettingsError(f"no pipeline at '{pipeline_root}': {err.strerror}") from None
    value: Any = doc.value if doc is not None else None  # raw YAML; any misfit is caught below
    try:
        name = target_name or value["default_target"]
        declared = declared_target(name, value["targets"][name])
        pipeline = str(value["name"])
    except (KeyError, TypeError, ValueError, AttributeError):
        problems = _validated(doc, problems)
        if problems:
            raise SettingsError(f"{path} has errors (run `elt lint`)", problems) from None
        known = ", ".join(sorted(value["targets"])) if isinstance(value, dict) else ""
        if target_name is None and doc is not None and isinstance(value, dict):  # the default named one not there
            from framework.spec.validate import positioned

            wrong = positioned(
                doc,
                ("default_target",),
                "E212",
                f"default_target '{value.get('default_target')}' is not among the targets",
                hint=f"Targets: {known}.",
            )
            raise SettingsError(f"{path} has errors (run `elt lint`)", [wrong]) from None
        raise SettingsError(f"unknown target '{target_name}'; the targets in {path}: {known}") from None
    return settings_for(declared, pipeline, project_dir or project_dir_of(pipeline_root))


def settings_for(declared: AnyTarget, pipeline: str, project_dir: str) -> TargetSettings:
    """A declared target resolved against `project_dir`: its path values made absolute."""
    project_dir = os.path.abspath(project_dir)
    values = {f.name: getattr(declared, f.name) for f in fields(declared)}
    for name in declared.paths:
        if values[name]:
            values[name] = os.path.normpath(os.path.join(project_dir, values[name]))
    resolved: type[TargetSettings] = RESOLVED[declared.type]
    return resolved(**values, pipeline=pipeline, project_dir=project_dir)


def _validated(doc, problems) -> list:
    from framework.spec.validate import spec_kind, validate_document

    if doc is not None:
        kind, problems = spec_kind(doc)
        problems += validate_document(doc, "pipeline") if kind == "pipeline" else []
    return list(problems)
