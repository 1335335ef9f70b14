"""The one file Airflow's DAGs folder needs: every pipeline under ELT_PIPELINES_DIR as a DAG.

Settings (environment): ELT_PIPELINES_DIR (default: ../../pipelines from here),
ELT_PROJECT_DIR (where relative warehouse/lake/landing paths start; default: each pipeline's
project folder, the parent of its `pipelines/` folder, as for `elt run`),
ELT_TARGET (a target name of pipeline.yml; default: each pipeline's default_target).
"""

import os

from dag_factory.loader import load_dags

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
globals().update(
    load_dags(
        os.environ.get("ELT_PIPELINES_DIR", os.path.join(_REPOSITORY, "pipelines")),
        os.environ.get("ELT_PROJECT_DIR") or None,
        os.environ.get("ELT_TARGET") or None,
    )
)
