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


def delivered_shop(tmp_path):
    """The tiny pipeline with one day delivered and ingested: (workspace, settings, manifest)."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = workspace.settings()
    manifest, _ = manifest_for(str(workspace.pipeline), settings)
    return workspace, settings, manifest


def dag_run_options(day: int) -> RunOptions:
    """The options of a step task of DAG run `manual__<day>`, batch 2024-01-<day>."""
    logical = datetime.datetime(2024, 1, day, tzinfo=datetime.UTC)
    origin = RunOrigin(airflow_run_id("tiny_shop", f"manual__{day}", logical), f"manual__{day}", logical)
    return dataclasses.replace(RunOptions(datetime.datetime(2024, 1, day)), origin=origin)


def test_the_run_id_is_the_same_for_a_dag_run_and_differs_between_dag_runs():
    logical = datetime.datetime(2024, 1, 1, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    first = airflow_run_id("olist", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert first == airflow_run_id("olist", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert first.startswith("20240101T010000-af") and len(first) == len("20240101T010000-af") + 8
    assert first != airflow_run_id("olist", "manual__2024-01-01T01:00:00+00:00", logical)
    assert first != airflow_run_id("tiny_shop", "scheduled__2024-01-01T01:00:00+00:00", logical)
    assert airflow_run_id("olist", "manual__x", None).startswith("00000000T000000-af")


def test_steps_of_one_origin_share_its_run_id_and_a_repeated_step_replaces_its_row(tmp_path):
    workspace, settings, manifest = delivered_shop(tmp_path)
    options = dag_run_options(1)
    origin = options.origin
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


def test_an_orchestrators_build_with_nothing_new_is_up_to_date_as_in_elt_run(tmp_path):
    """Adversarial round 17 (dag_rebuilds_up_to_date): a DAG run with nothing new rebuilt every
    model (a table model emptied and refilled, its checks run again), where `elt run` says up to
    date. A build task cannot see the other tasks of its run: it compares the counters of its
    inputs with what its last build consumed."""
    workspace, settings, manifest = delivered_shop(tmp_path)
    steps = [s.id for s in manifest.steps if s.kind.value in ("load", "build", "check")]

    def dag_run(day: int) -> dict[str, str]:
        options = dag_run_options(day)
        opened = open_warehouse(settings)
        try:
            from framework.run.runner import setup_warehouse

            setup_warehouse(manifest, opened.session)
            return {
                step: str(run_one_step(manifest, opened.session, opened.lake, options, step, ensure=False).status)
                for step in steps
            }
        finally:
            opened.close()

    first = dag_run(1)
    assert first["build:dim_member"] == "ok" and first["check:dim_member"] in ("ok", "warned"), first
    seqs = workspace.query("SELECT MAX(_build_seq) FROM dwh.dim_member")
    idle = dag_run(2)
    builds = {s: v for s, v in idle.items() if not s.startswith("load:")}
    assert set(builds.values()) == {"up to date"}, idle  # every build and check, as `elt run` says
    assert workspace.query("SELECT MAX(_build_seq) FROM dwh.dim_member") == seqs  # nothing rewritten
    landing(tmp_path / "day3", "members_2024-01-03.csv", [HEADER, "9;new@example.com;gold;Faro;2024-01-03 10:00:00"])
    assert not workspace.ingest(tmp_path / "day3", "2024-01-03").failed
    changed = dag_run(3)
    assert changed["build:dim_member"] == "ok" and changed["check:dim_member"] != "up to date", changed


def test_a_load_task_run_again_in_its_dag_run_keeps_the_row_of_the_attempt_that_loaded(tmp_path):
    """Adversarial round 52 (dag_load_rerun_overwrites_run_log): a load task cleared and run again
    found nothing new, and its row (`ok`, 3 rows inserted) became `nothing new`, no rows: the log
    said the DAG run loaded nothing. A load that failed is still replaced by the next attempt."""
    workspace, settings, manifest = delivered_shop(tmp_path)
    options = dag_run_options(1)
    opened = open_warehouse(settings)
    try:
        from framework.run.runner import setup_warehouse

        setup_warehouse(manifest, opened.session)
        for attempt in range(2):
            outcome = run_one_step(manifest, opened.session, opened.lake, options, "load:members", ensure=False)
            assert str(outcome.status) == ("ok" if attempt == 0 else "nothing new"), outcome
    finally:
        opened.close()
    rows = workspace.query("SELECT status, rows_inserted FROM elt.run_log WHERE step = 'load:members'")
    assert rows == [("ok", len(GOOD))]
