"""Find the pipelines, compile them when their YAML changed (else reuse the cached manifest),
and build one DAG each. A broken pipeline keeps its DAG (same dag_id: its pause state and history
stay) as a stand-in: no schedule, its description and docs list the diagnostics (spec file, line,
rule), and its one task fails with them when triggered. Every other DAG loads as usual.

Why not an import error: Airflow records import errors per DAG file, and one file builds every
pipeline, so raising would hide the good pipelines too; a Python warning is not stored by
Airflow 3 (not in /api/v2/dagWarnings nor importErrors), so the DAG would just vanish.

Parse-time discipline: with a warm cache this reads the spec files' bytes (to fingerprint them),
one pipeline.yml per pipeline (YAML only) and one JSON manifest. It imports no SQL library,
no JSON Schema validator and no database driver, and opens no connection.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework.settings import TargetSettings


class PipelineNotScheduled(UserWarning):
    pass


def find_pipelines(pipelines_dir: str) -> list[str]:
    """Absolute pipeline folders under `pipelines_dir` (the framework's own discovery)."""
    from framework.spec.discovery import find_pipeline_roots

    return [os.path.abspath(root) for root in find_pipeline_roots(pipelines_dir)]


def load_dags(pipelines_dir: str, project_dir: str | None = None, target: str | None = None) -> dict:
    """One DAG per pipeline under `pipelines_dir`. `project_dir` overrides the anchor of the
    targets' relative paths (framework.settings); by default each pipeline's own project folder."""
    from framework.settings import resolve_target

    if not os.path.isdir(pipelines_dir):  # a typo or an unmounted volume: every DAG would vanish
        raise FileNotFoundError(f"ELT_PIPELINES_DIR {pipelines_dir!r} is not a folder: no pipeline can be loaded")
    resolved: dict[str, TargetSettings | Exception] = {}
    for root in find_pipelines(pipelines_dir):
        try:
            resolved[root] = resolve_target(root, target, project_dir)
        except Exception as err:  # its stand-in says why (`_dag`); one pipeline never takes the others down
            resolved[root] = err
    folders: dict[str, list[str]] = {}  # pipeline name → its folders: a name is a dag_id
    for root, settings in resolved.items():
        if not isinstance(settings, Exception):
            folders.setdefault(settings.pipeline, []).append(root)
    dags = {}
    for root, settings in resolved.items():
        name = None if isinstance(settings, Exception) else settings.pipeline
        if name is not None and len(folders[name]) > 1:  # no DAG built for either: Airflow would keep one
            if name not in dags:
                clash = f"two pipelines are named '{name}': {' and '.join(folders[name])} (E213)"
                dags[name] = _not_scheduled(root, name, "another pipeline has its name", clash)
            continue
        dag = _dag(root, settings)
        dags[dag.dag_id] = dag
    return dags


def _dag(root: str, settings: TargetSettings | Exception):
    """The pipeline's DAG, or its stand-in when its target or specs have errors."""
    from dag_factory.build import DagSettings, build_dag
    from framework.errors import SpecError
    from framework.run.cache import manifest_for
    from framework.settings import SettingsError

    name = None if isinstance(settings, Exception) else settings.pipeline
    try:
        if isinstance(settings, Exception):
            raise settings
        manifest, _ = manifest_for(root, settings)
        return build_dag(manifest, DagSettings(root, settings))
    except (SpecError, SettingsError) as err:
        from framework.diagnostics import format_text

        what = "its specs have errors" if isinstance(err, SpecError) else f"its pipeline.yml: {err}"
        details = format_text(list(err.diagnostics)) if err.diagnostics else ""
        return _not_scheduled(root, name, what, details)
    except Exception as err:  # one pipeline must never take the others down
        return _not_scheduled(root, name, f"{type(err).__name__}: {err}", "")


def pipeline_name(root: str) -> str:
    """The pipeline's name as its pipeline.yml says, else its folder's: the dag_id either way."""
    import re

    import yaml

    try:
        with open(os.path.join(root, "pipeline.yml"), encoding="utf-8") as handle:
            name = yaml.safe_load(handle).get("name")
    except Exception:  # unreadable or not a mapping: the folder names it
        name = None
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,200}", name):
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(root))
    return name


def _not_scheduled(root: str, name: str | None, what: str, details: str):
    """A stand-in DAG for a pipeline that cannot be built: shown, never scheduled, failing clearly."""
    from dag_factory.build import not_scheduled_dag

    warnings.warn(PipelineNotScheduled(f"pipeline {root} is not scheduled: {what}\n{details}".rstrip()), stacklevel=3)
    return not_scheduled_dag(name or pipeline_name(root), root, what, details)
