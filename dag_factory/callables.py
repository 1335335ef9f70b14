"""What the generated tasks run. Everything heavy is imported inside the functions: this module
is imported when a DAG file is parsed.

Failures that a retry cannot fix (a failed error-severity check, a spec error, bad data) raise
AirflowFailException; anything else (a connection drop, a busy warehouse) raises as it is and
the task's retries with exponential backoff apply.
"""

from __future__ import annotations

import datetime
import logging
import os

log = logging.getLogger(__name__)


def _fail(message: str):
    from airflow.sdk.exceptions import AirflowFailException

    raise AirflowFailException(message)


def _target(pipeline_root: str, target: str):
    from framework.cli.run_cmd import pipeline_target

    return pipeline_target(pipeline_root, target)


def _path(project_dir: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(project_dir, path)


def _batch_date(context: dict) -> str:
    logical = context.get("logical_date") or context.get("data_interval_start")
    return (logical or datetime.datetime.now(datetime.timezone.utc)).date().isoformat()


def _manifest(pipeline_root: str, target: str, project_dir: str):
    from framework.run.cache import SpecErrors, load_or_compile

    settings = _target(pipeline_root, target)
    cache = os.path.join(os.path.dirname(_path(project_dir, getattr(settings, "database", ".elt"))), ".elt")
    try:
        return load_or_compile(pipeline_root, target, cache)[0], settings
    except SpecErrors as err:
        from framework.diagnostics import format_text

        _fail("the pipeline's specs have errors:\n" + format_text(err.diagnostics))


def detect_landing(pipeline_root: str, target: str, project_dir: str, **context) -> int:
    """How many landing files wait, per source (logged); ingest handles none gracefully."""
    from framework.ingest import landing_files
    from framework.spec.project import load_project

    settings = _target(pipeline_root, target)
    landing = _path(project_dir, getattr(settings, "landing", "") or "landing")
    project, _ = load_project(pipeline_root)
    counts = {s.name: len(landing_files(s, landing)) for s in project.sources}
    log.info("landing files in %s: %s", landing, counts)
    return sum(counts.values())


def ingest_landing(pipeline_root: str, target: str, project_dir: str, **context) -> dict:
    from framework.ingest import ingest_pipeline
    from framework.lake.local import LocalLake
    from framework.spec.project import load_project

    settings = _target(pipeline_root, target)
    if settings.type != "local":
        _fail("ingest into the S3 lake comes with the production path (terraform/S3 issue); "
              "this target's landing files cannot be ingested by this version")
    project, _ = load_project(pipeline_root)
    landing = _path(project_dir, getattr(settings, "landing", "") or "landing")
    report = ingest_pipeline(project, landing, LocalLake(_path(project_dir, settings.lake)), _batch_date(context))
    for item in report.files:
        log.info("%s %s: %s rows, %s rejected %s", item.source, os.path.basename(item.landing_path), item.rows,
                 len(item.rejects), item.error)
    if report.failed:
        _fail("; ".join(f.error for f in report.failed))
    return {"files": len(report.files), "rows": sum(f.rows for f in report.files)}


def run_step(pipeline_root: str, target: str, project_dir: str, step_id: str, **context) -> dict:
    from framework.lake.local import LocalLake
    from framework.run.runner import RunOptions, StepError, connect_duckdb, run_one_step

    manifest, settings = _manifest(pipeline_root, target, project_dir)
    warehouse = _path(project_dir, settings.database)
    batch = datetime.datetime.fromisoformat(_batch_date(context))
    options = RunOptions(warehouse, _path(project_dir, settings.lake), batch)
    conn = connect_duckdb(warehouse, wait_seconds=300)  # another task of another DAG run may hold it
    try:
        outcome = run_one_step(manifest, conn, LocalLake(options.lake), options, step_id)
    except StepError as err:
        lines = [err.outcome.error]
        for check in err.outcome.checks:
            lines.append(f"{check.severity} {check.name}: {check.failures} failing row(s)")
            lines += [f"  {dict(zip(check.columns, row))}" for row in check.sample[:5]]
        _fail("\n".join(lines))
    finally:
        conn.close()
    for check in outcome.checks:
        log.warning("%s %s: %s failing row(s)", check.severity, check.name, check.failures)
    log.info("%s: %s %s", step_id, outcome.status, outcome.detail)
    return {"status": outcome.status, "rows_inserted": outcome.rows_inserted, "rows_updated": outcome.rows_updated}


def run_redshift_load(pipeline_root: str, target: str, project_dir: str, step_id: str, **context) -> dict:
    """Loading S3 batches into Redshift needs the S3 lake (file listing with ETags, the per-batch
    COPY manifest); both arrive with the production-path issue. Until then this task says so
    instead of pretending: the compiled COPY and MERGE statements are in the manifest."""
    _fail(f"{step_id}: Redshift loads need the S3 lake and its COPY manifests, which this version does not have "
          "yet; the compiled statements are in the manifest (`elt compile --target redshift`)")


def run_redshift_checks(pipeline_root: str, target: str, project_dir: str, step_id: str, **context) -> dict:
    """The model's checks through the Redshift connection named in pipeline.yml."""
    from airflow.providers.amazon.aws.hooks.redshift_sql import RedshiftSQLHook

    manifest, settings = _manifest(pipeline_root, target, project_dir)
    step = manifest.step(step_id)
    hook = RedshiftSQLHook(redshift_conn_id=settings.redshift_conn_id)
    failures = {}
    for check in step.checks:
        (count,) = hook.get_first(check.count_sql)
        if count:
            failures[check.name] = (check.severity, count)
            log.warning("%s %s: %s failing row(s)", check.severity, check.name, count)
    errors = {k: v for k, v in failures.items() if v[0] == "error"}
    if errors:
        _fail("; ".join(f"{name}: {count} failing row(s)" for name, (_, count) in errors.items()))
    return {"failures": {k: v[1] for k, v in failures.items()}}


def summarize(pipeline_root: str, target: str, project_dir: str, **context) -> dict:
    """Every task's state in this run, logged as one table. It runs whatever happened upstream,
    and fails when a task failed, so the run's state tells the truth (Airflow derives it from
    the last tasks, and this is the last one)."""
    ti, dag_run = context.get("ti"), context.get("dag_run")
    states: dict[str, str] = {}
    if ti is not None and dag_run is not None:
        found = ti.get_task_states(dag_id=dag_run.dag_id, run_ids=[dag_run.run_id])
        for per_run in (found or {}).values():
            states.update({task: str(state) for task, state in (per_run or {}).items()})
    states.pop(getattr(ti, "task_id", "summary"), None)
    for task, state in sorted(states.items()):
        log.info("%-45s %s", task, state)
    broken = sorted(task for task, state in states.items() if state in ("failed", "upstream_failed"))
    if broken:
        _fail(f"{len(broken)} task(s) did not succeed: {', '.join(broken)}")
    return states
