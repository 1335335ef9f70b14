"""Airflow for the DAG tests: a temporary AIRFLOW_HOME, migrated once per session.

Airflow reads its settings when first imported, so they are set here, before any test module
imports it; nothing outside tests/integration (airflow, s3) imports Airflow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DAGS_FOLDER = REPO / "dag_factory" / "dags"
_HOME = tempfile.mkdtemp(prefix="airflow-home-")
os.environ.update(
    {
        "AIRFLOW_HOME": _HOME,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }
)


@pytest.fixture(scope="session")
def airflow_db():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return _HOME


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder for the DAG file: its pipelines and where relative paths start."""
    (tmp_path / "pipelines").mkdir()
    monkeypatch.setenv("ELT_PIPELINES_DIR", str(tmp_path / "pipelines"))
    monkeypatch.setenv("ELT_PROJECT_DIR", str(tmp_path))
    monkeypatch.delenv("ELT_TARGET", raising=False)
    return tmp_path
