"""Find the pipelines, compile them when their YAML changed (else reuse the cached manifest),
and build one DAG each. A broken pipeline is left out with a warning that names the spec file,
line and rule; Airflow shows it among the DAG-processing warnings, and every other DAG loads.

Parse-time discipline: with a warm cache this reads the spec files' bytes (to fingerprint them),
one pipeline.yml per pipeline (YAML only) and one JSON manifest. It imports no SQL library,
no JSON Schema validator and no database driver, and opens no connection.
"""

from __future__ import annotations

import os
import warnings


class PipelineNotScheduled(UserWarning):
    pass


def find_pipelines(pipelines_dir: str) -> list[str]:
    """Absolute pipeline folders under `pipelines_dir` (the framework's own discovery)."""
    from framework.spec.discovery import find_pipeline_roots

    return [os.path.abspath(root) for root in find_pipeline_roots(pipelines_dir)]


def load_dags(pipelines_dir: str, project_dir: str | None = None, target: str | None = None) -> dict:
    """One DAG per pipeline under `pipelines_dir`. `project_dir` overrides the anchor of the
    targets' relative paths (framework.settings); by default each pipeline's own project folder."""
    from dag_factory.build import DagSettings, build_dag
    from framework.errors import SpecError
    from framework.run.cache import manifest_for
    from framework.settings import SettingsError, resolve_target

    dags = {}
    for root in find_pipelines(pipelines_dir):
        try:
            settings = resolve_target(root, target, project_dir)
            manifest, _ = manifest_for(root, settings)
            dag = build_dag(manifest, DagSettings(root, settings))
            dags[dag.dag_id] = dag
        except (SpecError, SettingsError) as err:
            from framework.diagnostics import format_text

            what = "its specs have errors" if isinstance(err, SpecError) else f"its pipeline.yml: {err}"
            details = "\n" + format_text(list(err.diagnostics)) if err.diagnostics else ""
            warnings.warn(PipelineNotScheduled(f"pipeline {root} is not scheduled: {what}{details}"), stacklevel=2)
        except Exception as err:  # one pipeline must never take the others down
            warnings.warn(
                PipelineNotScheduled(f"pipeline {root} is not scheduled: {type(err).__name__}: {err}"), stacklevel=2
            )
    return dags
