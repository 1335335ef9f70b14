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
    roots = []
    for folder, dirs, files in os.walk(pipelines_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if "pipeline.yml" in files:
            roots.append(os.path.abspath(folder))
            dirs[:] = []
    return roots


def load_dags(pipelines_dir: str, project_dir: str, target: str | None = None) -> dict:
    from dag_factory.build import DagSettings, build_dag
    from framework.cli.run_cmd import pipeline_target
    from framework.run.cache import SpecErrors, load_or_compile

    dags = {}
    for root in find_pipelines(pipelines_dir):
        try:
            settings = pipeline_target(root, target)
            database = getattr(settings, "database", None)
            base = os.path.dirname(database) if database and settings.type == "local" else "."
            cache = os.path.join(base if os.path.isabs(base) else os.path.join(project_dir, base), ".elt")
            manifest, _ = load_or_compile(root, settings.name, cache, pipeline_name=settings.pipeline)
            dag = build_dag(manifest, DagSettings(root, settings.name, os.path.abspath(project_dir)))
            dags[dag.dag_id] = dag
        except SpecErrors as err:
            from framework.diagnostics import format_text

            warnings.warn(
                PipelineNotScheduled(
                    f"pipeline {root} is not scheduled: its specs have errors\n" + format_text(err.diagnostics)
                ),
                stacklevel=2,
            )
        except SystemExit:
            warnings.warn(
                PipelineNotScheduled(
                    f"pipeline {root} is not scheduled: its pipeline.yml is invalid (run `elt lint` on it)"
                ),
                stacklevel=2,
            )
        except Exception as err:  # one pipeline must never take the others down
            warnings.warn(
                PipelineNotScheduled(f"pipeline {root} is not scheduled: {type(err).__name__}: {err}"), stacklevel=2
            )
    return dags
