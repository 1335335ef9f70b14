"""The generated Airflow 3 DAGs, with real Airflow: DagBag, parse discipline, dag.test() runs."""

from __future__ import annotations

import datetime
import json
import logging
import shutil
import subprocess
import sys

from tests.conftest import FIXTURES, OLIST
from tests.integration.airflow.conftest import DAGS_FOLDER, REPO
from tests.support.workspace import BUILD_COLUMNS, Workspace, model_digests, table_digests
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

LOGICAL = datetime.datetime(2018, 10, 17, tzinfo=datetime.UTC)


def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def with_olist(project):
    shutil.copytree(OLIST, project / "pipelines" / "olist")
    # pipeline.yml's landing path is relative to the project: pipelines/olist/sample
    return project


def expected_edges(manifest):
    from dag_factory.build import task_id

    tasks = {s.id: task_id(manifest, s) for s in manifest.steps if s.kind in ("load", "build", "check")}
    edges = set()
    for step in manifest.steps:
        if step.id in tasks:
            edges |= {(tasks[d], tasks[step.id]) for d in step.depends_on if d in tasks}
            if step.kind == "load":  # a load waits for the run's ingest and its one setup task
                edges |= {("ingest", tasks[step.id]), ("setup", tasks[step.id])}
    return tasks, edges


def test_dagbag_loads_the_olist_dag_as_specified(project):
    with_olist(project)
    bag = dagbag()
    assert bag.import_errors == {} and list(bag.dags) == ["olist"]
    dag = bag.dags["olist"]
    from framework.run.cache import load_or_compile

    manifest, _ = load_or_compile(str(project / "pipelines" / "olist"), None, str(project / "warehouse" / ".elt"))
    tasks, edges = expected_edges(manifest)
    entry_tasks = {"previous_run", "detect", "ingest", "setup", "freshness", "summary"}
    assert {t.task_id for t in dag.tasks} == set(tasks.values()) | entry_tasks
    entry = {("previous_run", "detect"), ("detect", "ingest"), ("detect", "setup")}
    got = {(up, t.task_id) for t in dag.tasks for up in t.upstream_task_ids}
    assert edges <= got and entry <= got
    # freshness: after every load (done, failed or not), before the summary; it gates no build
    loads = {t for t in tasks.values() if t.startswith("load.")}
    freshness = dag.get_task("freshness")
    assert loads and freshness.upstream_task_ids == loads and freshness.downstream_task_ids == {"summary"}
    assert freshness.python_callable.__name__ == "check_freshness" and freshness.trigger_rule == "all_done"
    assert freshness.retries == 3  # after a transient error; past error_after fails for good (no retry)
    assert got - edges - entry == {(u, "summary") for u, d in got if d == "summary"} | {
        (load, "freshness") for load in loads
    }
    assert dag.max_active_runs == 1 and dag.max_active_tasks == 1 and dag.catchup is False
    assert str(dag.schedule) == "@daily" and dag.owner == "data-platform" and "olist" in dag.tags
    build = dag.get_task("dimension.dim_customer")
    assert build.retries == 3 and build.retry_exponential_backoff
    assert [a.name for a in build.outlets] == ["olist.dim_customer"]
    # known by pipeline and model: a layer moved to another schema keeps its asset (round 25)
    assert [a.uri for a in build.outlets] == ["elt://olist/dim_customer"]
    # retried after a transient error only: a failed check fails for good (AirflowFailException)
    assert dag.get_task("dimension.dim_customer_checks").retries == 3
    previous = dag.get_task("previous_run")
    assert previous.mode == "reschedule" and previous.python_callable.__name__ == "previous_run_done"
    assert "mart_customer_360" in dag.doc_md


def test_the_dag_file_imports_no_sql_library_schema_validator_or_driver(project):
    with_olist(project)
    dagbag()  # warm the compile cache, as a running deployment has it
    probe = f"""
import runpy, socket, sys, json
import airflow.sdk
before = set(sys.modules)
def no_network(*args, **kwargs):
    raise AssertionError("network I/O while parsing the DAG file")
socket.socket.connect = no_network
names = runpy.run_path({str(DAGS_FOLDER / "elt.py")!r})
heavy = ["sqlglot", "jsonschema", "duckdb", "redshift_connector", "pyarrow"]
print(json.dumps({{"dags": [k for k, v in names.items() if type(v).__name__ == "DAG"],
                   "loaded": [m for m in heavy if m in sys.modules],
                   "by_airflow": [m for m in heavy if m in before]}}))
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["dags"] == ["olist"]
    assert set(report["loaded"]) - set(report["by_airflow"]) == set(), report  # nothing heavy of ours
    assert "sqlglot" not in report["loaded"] and "duckdb" not in report["loaded"]


def test_a_broken_spec_keeps_its_dag_unscheduled_with_the_diagnostics_and_a_failing_task(project, airflow_db):
    with_olist(project)
    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    members = tiny / "sources" / "members.yml"  # delivered in 2024: not what this test is about
    members.write_text(members.read_text().replace("freshness: {warn_after: 26h, error_after: 3d}\n", ""))
    spec = tiny / "models" / "dim_member.yml"
    spec.write_text(spec.read_text().replace("tracked: [tier, city]", "tracked: [tier, cty]"))
    bag = dagbag()
    assert bag.import_errors == {} and sorted(bag.dags) == ["olist", "tiny_shop"]
    diagnostic = "models/dim_member.yml:14:19: E203 history.tracked[1]: unknown column 'cty'"
    broken, good = bag.dags["tiny_shop"], bag.dags["olist"]
    assert broken.schedule is None and str(good.schedule) == "@daily"
    assert [t.task_id for t in broken.tasks] == ["spec_errors"] and len(good.tasks) > 20
    assert diagnostic in broken.description and broken.description.startswith("NOT SCHEDULED: ")
    assert diagnostic in broken.doc_md and "not scheduled" in broken.doc_md
    warnings = "\n".join(w for ws in bag.captured_warnings.values() for w in ws)
    assert "tiny_shop is not scheduled" in warnings and diagnostic in warnings
    run = broken.test()
    assert str(run.state) == "failed"
    assert {ti.task_id: str(ti.state) for ti in run.get_task_instances()} == {"spec_errors": "failed"}


def test_a_pipeline_yml_that_does_not_parse_still_has_its_dag_named_after_its_folder(project):
    broken = project / "pipelines" / "half_done"
    broken.mkdir()
    (broken / "pipeline.yml").write_text("version: 1\nkind: pipeline\nname: [oops\n")
    with_olist(project)
    bag = dagbag()
    assert bag.import_errors == {} and sorted(bag.dags) == ["half_done", "olist"]
    assert bag.dags["half_done"].description.startswith("NOT SCHEDULED: ")


def test_two_pipelines_of_one_name_both_stay_unscheduled_naming_both_folders(project):
    """Adversarial round 17 (dup_pipeline_name): two pipeline.yml of one name gave one DAG, from
    whichever folder sorted last, and the other pipeline was never scheduled, silently."""
    for folder in ("shop_a", "shop_b"):
        shutil.copytree(FIXTURES / "tiny_shop", project / "pipelines" / folder)
    bag = dagbag()
    assert bag.import_errors == {} and sorted(bag.dags) == ["tiny_shop"]
    stand_in = bag.dags["tiny_shop"]
    assert stand_in.schedule is None and [t.task_id for t in stand_in.tasks] == ["spec_errors"]
    assert "two pipelines are named 'tiny_shop'" in stand_in.description
    assert "shop_a" in stand_in.description and "shop_b" in stand_in.description


def test_a_pipelines_folder_that_is_not_there_is_an_import_error_naming_it(project, monkeypatch):
    """Adversarial round 17 (missing_pipelines_dir_silent): a typo in ELT_PIPELINES_DIR gave no
    DAG and no import error: every pipeline vanished without a word."""
    monkeypatch.setenv("ELT_PIPELINES_DIR", str(project / "pipelnes"))
    bag = dagbag()
    assert bag.dags == {} and len(bag.import_errors) == 1
    (error,) = bag.import_errors.values()
    assert "ELT_PIPELINES_DIR" in error and "pipelnes" in error and "is not a folder" in error


def test_a_landing_folder_that_is_not_there_fails_the_run_at_detect(project, airflow_db):
    """Adversarial round 17 (missing_landing_green): a wrong landing path or ELT_PROJECT_DIR gave
    a green DAG run that loaded nothing (and made a warehouse where none belongs); `elt ingest`
    refuses it. Now `detect` fails naming the folder, and nothing after it runs."""
    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    dag = dagbag().dags["tiny_shop"]
    run = dag.test(logical_date=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC))
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "failed" and states["detect"] == "failed", states
    assert states["ingest"] == "upstream_failed" and states["setup"] == "upstream_failed", states
    assert not list(project.rglob("*.duckdb"))  # no warehouse made


def test_dag_test_runs_olist_like_elt_run_and_a_rerun_changes_nothing(project, airflow_db, tmp_path_factory):
    with_olist(project)
    dag = dagbag().dags["olist"]
    run = dag.test(logical_date=LOGICAL)
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "success" and set(states.values()) == {"success"}, states
    reference = Workspace(tmp_path_factory.mktemp("elt-run"), OLIST)
    assert not reference.ingest(OLIST / "sample", "2018-10-17").failed and reference.run().ok
    warehouse = project / "warehouse" / "olist.duckdb"
    assert model_digests(warehouse) == model_digests(reference.warehouse)
    before = table_digests(warehouse, without=BUILD_COLUMNS)
    again = dag.test(logical_date=LOGICAL)
    assert str(again.state) == "success"
    # the same rows (the table models' builds of the rerun mark theirs with their own `_build_seq`)
    assert table_digests(warehouse, without=BUILD_COLUMNS) == before


def run_with_a_failing_error_check(project):
    """tiny_shop whose dim_member fails an error-severity check, run as one DAG run: (dag, run)."""
    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    members = tiny / "sources" / "members.yml"  # delivered in 2024: not what this test is about
    members.write_text(members.read_text().replace("freshness: {warn_after: 26h, error_after: 3d}\n", ""))
    spec = tiny / "models" / "dim_member.yml"
    spec.write_text(
        spec.read_text() + "checks:\n  - {type: expression, name: no_gold, condition: \"tier <> 'gold'\"}\n"
    )
    landing(project / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(project / "landing")
    dag = dagbag().dags["tiny_shop"]
    run = dag.test(logical_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    return dag, run


def test_a_failing_error_check_fails_its_build_publishes_nothing_and_stops_downstream(project, airflow_db):
    dag, run = run_with_a_failing_error_check(project)
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    # write-audit-publish: the build audits its new state and, failing, publishes nothing
    assert states["dimension.dim_member"] == "failed"
    assert states["dimension.dim_member_checks"] == "upstream_failed"
    assert states["fact.fact_purchase"] == "upstream_failed"
    assert str(run.state) == "failed"
    import duckdb

    with duckdb.connect(str(project / "warehouse" / "tiny.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM dwh.dim_member").fetchall() == [(0,)]
        failed = conn.execute("SELECT error FROM elt.run_log WHERE step = 'build:dim_member'").fetchall()
    assert failed and "not published: expression(no_gold): 1 failing row(s)" in failed[0][0]


def test_the_redshift_dag_waits_on_s3_and_runs_each_step_through_the_executor(project):
    with_olist(project)
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

    from dag_factory.build import DagSettings, build_dag
    from framework.run.cache import load_or_compile
    from framework.settings import resolve_target

    root = str(project / "pipelines" / "olist")
    manifest, _ = load_or_compile(root, "prod", str(project / ".elt"))
    assert manifest.target == "redshift"
    dag = build_dag(manifest, DagSettings(root, resolve_target(root, "prod", str(project))))
    local = dagbag().dags["olist"]
    assert {t.task_id for t in dag.tasks} == {t.task_id for t in local.tasks}  # same graph, same ids
    sensor = dag.get_task("detect")
    assert isinstance(sensor, S3KeySensor) and sensor.bucket_name == "olist-lake-prod" and sensor.deferrable
    assert sensor.aws_conn_id == "aws_olist" and sensor.bucket_key == "olist/landing/*"
    assert dag.max_active_tasks > 1
    # Loads, builds and checks all run the compiled steps in the executor (guards, one transaction,
    # ledger and state bookkeeping, retries), on a session made from the Airflow connections.
    for task_id, step_id in (
        ("load.orders", "load:orders"),
        ("dimension.dim_customer", "build:dim_customer"),
        ("dimension.dim_customer_checks", "check:dim_customer"),
    ):
        task = dag.get_task(task_id)
        assert task.python_callable.__name__ == "run_step" and task.op_kwargs["step_id"] == step_id
        assert task.op_kwargs["target"] == "prod"
    assert dag.get_task("dimension.dim_customer_checks").retries == 3
    assert dag.get_task("load.orders").retries == 3
    # one setup task per run, upstream of every load (not 40 tasks each running setup)
    setup = dag.get_task("setup")
    assert setup.python_callable.__name__ == "setup_warehouse" and setup.upstream_task_ids == {"detect"}
    loads = [t for t in dag.tasks if t.task_id.startswith("load.")]
    assert loads and all("setup" in t.upstream_task_ids for t in loads)


class _MarkedByHand:
    """A test double of the Task SDK's RuntimeTaskInstance, as the summary task sees it after an
    operator marked failed tasks "success" in the UI: `get_task_states` (the real method's
    signature and answer shape, {run_id: {task_id: state}}) reports the marked states."""

    task_id = "summary"

    def __init__(self, states: dict[str, str], run_id: str, reports: dict[str, dict] | None = None):
        self.states, self.run_id, self.reports = states, run_id, reports or {}

    def get_task_states(
        self, dag_id, map_index=None, task_ids=None, task_group_id=None, logical_dates=None, run_ids=None
    ):
        assert run_ids == [self.run_id]
        return {self.run_id: dict(self.states)}

    def xcom_pull(self, task_ids=None, **_):  # what each step task returned (run_step's report)
        return self.reports.get(task_ids)


def test_a_dated_landing_prefix_on_redshift_lints_clean_and_the_sensor_watches_the_runs_day(project):
    """The README's `landing_prefix: …/{batch_date}`: lint refused its braces (E105 showing a bare
    regex) although the sensor and ingest read the placeholder."""
    from dag_factory.build import DagSettings, build_dag
    from framework.lint import lint_project_folder
    from framework.run.cache import load_or_compile
    from framework.settings import resolve_target

    with_olist(project)
    root = project / "pipelines" / "olist"
    config = root / "pipeline.yml"
    config.write_text(
        config.read_text().replace("landing_prefix: olist/landing", "landing_prefix: olist/landing/{batch_date}")
    )
    assert not [d for d in lint_project_folder(str(root))[1] if d.severity.name == "ERROR"]
    settings = resolve_target(str(root), "prod", str(project))
    assert settings.landing_location_for("2018-10-17") == ("olist-lake-prod", "olist/landing/2018-10-17")
    manifest, _ = load_or_compile(str(root), "prod", str(project / ".elt"))
    sensor = build_dag(manifest, DagSettings(str(root), settings)).get_task("detect")
    assert sensor.bucket_key == "olist/landing/{{ ds }}/*"
    config.write_text(config.read_text().replace("{batch_date}", "{day}"))
    (refused,) = [d for d in lint_project_folder(str(root))[1] if d.severity.name == "ERROR"]
    assert refused.code == "E105" and "with `{batch_date}` where deliveries are filed per day" in refused.message
    assert "^" not in refused.message  # says what is allowed, not a regex


def test_a_failed_build_marked_success_by_hand_still_fails_the_summary(project, airflow_db):
    """Airflow's task states say success after an operator marks a failed task so; the run log
    keeps the step's failure (its data was not published), and the summary reads it."""
    import pytest
    from airflow.sdk.exceptions import AirflowFailException

    from dag_factory import callables

    dag, run = run_with_a_failing_error_check(project)
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states["dimension.dim_member"] == "failed"
    marked = {task: "success" for task in states if task != "summary"}
    dag_run = type("DagRun", (), {"dag_id": run.dag_id, "run_id": run.run_id, "logical_date": run.logical_date})()
    summary = next(t for t in dag.tasks if t.task_id == "summary")
    context = {"ti": _MarkedByHand(marked, run.run_id), "dag_run": dag_run, "logical_date": run.logical_date}
    with pytest.raises(AirflowFailException) as failed:
        callables.summarize(**summary.op_kwargs, **context)
    assert "dimension.dim_member (marked success; failed in elt.run_log)" in str(failed.value)
    # a run whose log has no failure passes the same summary
    import duckdb

    with duckdb.connect(str(project / "warehouse" / "tiny.duckdb")) as conn:
        conn.execute("UPDATE elt.run_log SET status = 'ok' WHERE status = 'failed'")
    assert callables.summarize(**summary.op_kwargs, **context)["states"] == marked
    # a load that warned for itself (an empty snapshot: the table keeps its rows) is green in
    # Airflow; the summary names it with why (adversarial round 52, dag_warned_load_silent_in_summary)
    why = "batch 2024-01-02 is an empty snapshot (1 file(s), 0 rows): the table keeps its rows"
    reports = {"load.members": {"status": "warned", "warned_checks": [], "detail": why}}
    context["ti"] = _MarkedByHand(marked, run.run_id, reports)
    assert callables.summarize(**summary.op_kwargs, **context)["warned_steps"] == {"load.members": why}


def test_the_freshness_task_fails_a_run_whose_source_is_past_error_after_and_gates_no_build(project, airflow_db):
    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    purchases(project / "landing")  # members (error_after: 3d) never delivered
    dag = dagbag().dags["tiny_shop"]
    run = dag.test(logical_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states["freshness"] == "failed"
    assert states["load.members"] == states["load.purchases"] == states["fact.fact_purchase"] == "success"
    assert states["summary"] == "failed" and str(run.state) == "failed"


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_one_dag_run_is_one_run_in_the_run_log_with_its_dag_run_specs_and_warned_checks(project, airflow_db):
    """Every step task of one DAG run logs under one run id, carrying the DAG run id, its logical
    date and the fingerprint of the specs; a warned check is named in its task's log and in the
    summary's report, not shown as a plain success."""
    from framework.sourcefiles import source_fingerprint

    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    members = tiny / "sources" / "members.yml"  # delivered in 2024: not what this test is about
    members.write_text(members.read_text().replace("freshness: {warn_after: 26h, error_after: 3d}\n", ""))
    spec = tiny / "models" / "dim_member.yml"
    spec.write_text(
        spec.read_text()
        + "checks:\n  - {type: expression, name: no_gold, condition: \"tier <> 'gold'\", severity: warn}\n"
    )
    landing(project / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(project / "landing")
    logical = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    ours, lines = logging.getLogger("dag_factory.callables"), _Lines()
    level = ours.level
    ours.setLevel(logging.INFO)  # the tests' Airflow logs warnings only
    ours.addHandler(lines)
    try:
        run = dagbag().dags["tiny_shop"].test(logical_date=logical)
    finally:
        ours.setLevel(level)
        ours.removeHandler(lines)
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "success" and set(states.values()) == {"success"}, states
    import duckdb

    with duckdb.connect(str(project / "warehouse" / "tiny.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "SELECT run_id, dag_run_id, logical_date, spec_fingerprint, step, status FROM elt.run_log"
        ).fetchall()
    steps = [t for t in states if "." in t]
    assert len(rows) == len(steps) > 5  # one row per step task
    assert {r[:4] for r in rows} == {
        (rows[0][0], run.run_id, datetime.datetime(2024, 1, 1), source_fingerprint(str(tiny)))
    }
    assert rows[0][0].startswith("20240101T000000-af")
    assert ("build:dim_member", "warned") in {(r[4], r[5]) for r in rows} or (
        "check:dim_member",
        "warned",
    ) in {(r[4], r[5]) for r in rows}
    text = "\n".join(lines.lines)
    assert "check:dim_member: warn check expression(no_gold): 1 failing row(s)" in text  # the task's own log
    assert "check:dim_member: warned (" in text  # not a plain "ok"
    assert "success, WARNED: expression(no_gold) (1 rows)" in text  # the summary's table
    assert "1 warned check(s) in 1 task(s): dimension.dim_member_checks" in text
    fingerprint = source_fingerprint(str(tiny))
    assert f"specs {fingerprint}" in text and f"run {rows[0][0]} (DAG run {run.run_id})" in text
    assert "build:dim_member: ok (" in text and not [line for line in lines.lines if line.endswith(": ok ")]


class _Previous:
    """A test double of the Task SDK's RuntimeTaskInstance as the `previous_run` sensor sees it:
    `get_previous_dagrun()` (the real method's name and signature) answers the DAG run before
    this one, or None; its `state` is the DagRunState text."""

    def __init__(self, state: str | None):
        self.state = state

    def get_previous_dagrun(self, state: str | None = None):
        if self.state is None:
            return None
        return type("DagRun", (), {"state": self.state, "run_id": "backfill__2024-01-01", "logical_date": None})()


def test_a_dag_run_waits_while_the_run_before_it_is_running():
    """Adversarial round 30 (backfill_concurrent_runs): `airflow backfill create` starts up to
    10 runs at once (its own max_active_runs; the DAG's max_active_runs=1 does not bound it).
    Two interleaved runs of one pipeline loaded the same files together (UniqueViolation) or one
    day's run took the next day's batch. The first task now waits for the run before it."""
    import inspect

    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    from dag_factory.callables import previous_run_done

    assert list(inspect.signature(RuntimeTaskInstance.get_previous_dagrun).parameters) == ["self", "state"]
    for state, done in (("running", False), ("queued", True), ("success", True), ("failed", True), (None, True)):
        assert previous_run_done(ti=_Previous(state)) is done, state


def test_the_summary_of_a_run_on_a_warehouse_no_setup_has_made_reads_no_run_log(project):
    """Adversarial round 30 (summary_crash_fresh_warehouse): a first run whose `detect` failed left
    a PostgreSQL warehouse without elt.run_log, and the summary stopped on UndefinedTable instead
    of naming the failed task. A warehouse that exists without the framework's tables (an empty
    DuckDB file here, an empty database there) has nothing logged; the freshness task reads it as
    every source never loaded, as `elt freshness` does."""
    import duckdb

    from dag_factory import callables

    tiny = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", tiny)
    dag = dagbag().dags["tiny_shop"]
    import pytest
    from airflow.sdk.exceptions import AirflowFailException

    late = "source(s) past error_after: members (last loaded never, error_after 3d)"
    with pytest.raises(AirflowFailException) as before_any:  # no warehouse file yet: none is made
        callables.check_freshness(**dag.get_task("freshness").op_kwargs)
    assert str(before_any.value) == late and not (project / "warehouse" / "tiny.duckdb").exists()
    (project / "warehouse").mkdir(exist_ok=True)
    duckdb.connect(str(project / "warehouse" / "tiny.duckdb")).close()
    summary = dag.get_task("summary")
    when = datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)
    dag_run = type("DagRun", (), {"dag_id": "tiny_shop", "run_id": "scheduled__2024-01-02", "logical_date": when})()
    found = callables._failed_in_run_log(**summary.op_kwargs, context={"dag_run": dag_run}, states={})
    assert found == {}
    with pytest.raises(AirflowFailException) as read:  # members has error_after: never loaded is late
        callables.check_freshness(**dag.get_task("freshness").op_kwargs)
    assert str(read.value) == late
