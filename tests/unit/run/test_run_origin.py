"""An orchestrator's run: its steps share one run id derived from the DAG run, and a step run
again in the same DAG run (a retry, a cleared task) replaces its row instead of adding one."""

from __future__ import annotations

import dataclasses
import datetime

from framework.run.cache import manifest_for
from framework.run.options import RunOptions, RunOrigin, airflow_run_id
from framework.run.runner import run_one_step
from framework.run.warehouses import open_warehouse
from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


def test_the_run_id_is_the_same_for_a_dag_run_and_differs_between_dag_runs():
    logical = datetime.datetime(2024, 1, 1, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    first = airflow_run_id("olist", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert first == airflow_run_id("olist", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert first.startswith("20240101T010000-af") and len(first) == len("20240101T010000-af") + 8
    assert first != airflow_run_id("olist", "manual__2024-01-01T01:00:00+00:00", logical)
    assert first != airflow_run_id("tiny_shop", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert airflow_run_id("olist", "manual__x", None).startswith("00000000T000000-af")


def test_steps_of_one_origin_share_its_run_id_and_a_repeated_step_replaces_its_row(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = workspace.settings()
    manifest, _ = manifest_for(str(workspace.pipeline), settings)
    logical = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    origin = RunOrigin(airflow_run_id("tiny_shop", "manual__1", logical), "manual__1", logical)
    options = dataclasses.replace(RunOptions(datetime.datetime(2024, 1, 1)), origin=origin)
    opened = open_warehouse(settings)
    try:
        from framework.run.runner import setup_warehouse

        setup_warehouse(manifest, opened.session)
        for step in ("load:members", "build:dim_member", "build:dim_member"):  # the build retried
            run_one_step(manifest, opened.session, opened.lake, options, step, ensure=False)
    finally:
        opened.close()
    rows = workspace.query("SELECT run_id, dag_run_id, logical_date, step FROM elt.run_log ORDER BY step")
    assert rows == [
        (origin.run_id, "manual__1", datetime.datetime(2024, 1, 1), "build:dim_member"),
        (origin.run_id, "manual__1", datetime.datetime(2024, 1, 1), "load:members"),
    ]
