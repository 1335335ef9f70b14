"""What the generated tasks run. Everything heavy is imported inside the functions: this module
is imported when a DAG file is parsed.

Failures that a retry cannot fix (a failed error-severity check, a spec or settings error, bad
data, a warehouse's terminal answer) raise AirflowFailException; transient ones (a connection
drop, a busy warehouse: `framework.errors.is_transient`) raise as they are and the task's
retries with exponential backoff apply.
"""

from __future__ import annotations

import datetime
import logging
import os

log = logging.getLogger(__name__)


def _fail(message: str):
    from airflow.sdk.exceptions import AirflowFailException

    raise AirflowFailException(message)


def _settings(pipeline_root: str, target: str, project_dir: str):
    """The task's target, resolved as the DAG loader resolved it; a bad pipeline.yml fails for good."""
    from framework.settings import SettingsError, resolve_target

    try:
        return resolve_target(pipeline_root, target, project_dir)
    except SettingsError as err:
        _fail(str(err))


def _batch_date(context: dict) -> str:
    logical = context.get("logical_date") or context.get("data_interval_start")
    return (logical or datetime.datetime.now(datetime.UTC)).date().isoformat()


def _manifest(pipeline_root: str, settings):
    from framework.errors import SpecError
    from framework.run.cache import manifest_for

    try:
        return manifest_for(pipeline_root, settings)[0]
    except SpecError as err:
        from framework.diagnostics import format_text

        _fail("the pipeline's specs have errors:\n" + format_text(list(err.diagnostics)))


def _s3_lake(settings):
    """The S3 lake through the Airflow AWS connection (its role, region, endpoint)."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    from framework.lake.s3 import S3Lake

    return S3Lake(settings.s3_bucket, settings.s3_prefix, S3Hook(aws_conn_id=settings.aws_conn_id).get_conn())


def _no_warehouse(settings) -> str:
    """Why a reading task (freshness, summary) has no warehouse to read, or '': a local file not
    made yet (a run whose `detect` failed) is not made by reading it."""
    from framework.settings import LocalSettings

    if isinstance(settings, LocalSettings) and not os.path.exists(settings.database):
        return f"the warehouse {settings.database} does not exist yet (no step of any run has written it)"
    return ""


def _open(settings):
    """The target's warehouse session and lake, credentials from Airflow connections. A missing
    setting or a refused session fails the task for good; an unreachable or busy warehouse
    raises for Airflow to retry."""
    from framework.errors import ConfigError, TerminalWarehouseError
    from framework.run.warehouses import open_warehouse
    from framework.settings import LocalSettings, RedshiftSettings

    extra = {}
    if isinstance(settings, LocalSettings):  # another task of another DAG run may hold the file: wait for it
        extra = {"wait_seconds": 300}
    elif isinstance(settings, RedshiftSettings):
        from dag_factory.redshift import redshift_hook

        # the Redshift connection, as the target's AWS connection (not `aws_default`)
        extra = {"lake": _s3_lake(settings), "redshift_connect": redshift_hook(settings).get_conn}
    try:
        return open_warehouse(settings, **extra)
    except (ConfigError, TerminalWarehouseError) as err:
        _fail(str(err))


def fail_not_scheduled(message: str, **context) -> None:
    """The one task of a pipeline that does not build: fail, for good, with its diagnostics."""
    log.error("%s", message)
    _fail(message)


def _landing_folder(settings, batch_date: str) -> str:
    """The run's landing folder; a missing one fails the task, as `elt ingest` refuses it: a wrong
    path (the target's landing, ELT_PROJECT_DIR) or a day not delivered, not an empty delivery
    (and before `setup` could make a warehouse where none belongs)."""
    landing = settings.landing_for(batch_date)
    if not os.path.isdir(landing):
        _fail(
            f"landing folder {landing} does not exist (batch {batch_date}): check the target's landing and "
            "ELT_PROJECT_DIR, or deliver the day's folder"
        )
    return landing


def detect_landing(pipeline_root: str, target: str, project_dir: str, **context) -> int:
    """How many landing files wait, per source (logged); ingest handles none gracefully, and a
    landing folder that is not there fails here, first."""
    from framework.ingest import landing_files
    from framework.run.spec_cache import load_project_trusting

    settings = _settings(pipeline_root, target, project_dir)
    landing = _landing_folder(settings, _batch_date(context))
    project, _ = load_project_trusting(pipeline_root, settings.cache_dir)
    counts = {s.name: len(landing_files(s, landing)) for s in project.sources}
    log.info("landing files in %s: %s", landing, counts)
    return sum(counts.values())


def ingest_landing(pipeline_root: str, target: str, project_dir: str, **context) -> dict:
    """Landing files → the lake, in this process (a task process never forks: its threads could
    deadlock the child)."""
    from framework.diagnostics import format_text, has_errors
    from framework.ingest import ingest_pipeline
    from framework.run.spec_cache import load_project_trusting
    from framework.settings import RedshiftSettings

    settings = _settings(pipeline_root, target, project_dir)
    project, problems = load_project_trusting(pipeline_root, settings.cache_dir)
    if has_errors(problems):  # as `elt ingest` refuses them: no file is read under such a spec
        _fail(format_text(problems))
    batch_date = _batch_date(context)
    if isinstance(settings, RedshiftSettings):
        from framework.ingest.s3_landing import ingest_from_s3

        bucket, prefix = settings.landing_location_for(batch_date)
        report = ingest_from_s3(
            project,
            _s3_lake(settings),
            bucket,
            prefix,
            batch_date,
            workers=1,
            memory_limit=settings.duckdb_memory,
            dated=settings.landing_dated_part(batch_date),
        )
    else:
        from framework.lake.local import LocalLake

        landing = _landing_folder(settings, batch_date)
        lake = LocalLake(settings.lake)
        report = ingest_pipeline(
            project,
            landing,
            lake,
            batch_date,
            workers=1,
            memory_limit=settings.duckdb_memory,
            dated=settings.landing_dated_part(batch_date),
        )
    for item in report.files:
        name = os.path.basename(item.landing_path)
        if item.skipped:  # as `elt ingest` says it: not an empty delivery, one filed before
            log.info("%s %s: not read again: %s", item.source, name, item.skipped)
        else:
            log.info("%s %s: %s rows, %s rejected %s", item.source, name, item.rows, len(item.rejects), item.error)
        for note in item.notes:
            log.warning("%s %s: %s", item.source, name, note)
    if report.failed:
        _fail("; ".join(f.error for f in report.failed))
    return {"files": len(report.files), "rows": sum(f.rows for f in report.files)}


def setup_warehouse(pipeline_root: str, target: str, project_dir: str, **context) -> None:
    """Schemas, framework tables, staging and model tables, upgrades: once per DAG run, before
    any load, so the step tasks need not (nor race on CREATE … IF NOT EXISTS at a first deploy)."""
    from framework.errors import EltError, is_transient
    from framework.run.runner import setup_warehouse as setup
    from framework.run.warehouses import claim_warehouse

    settings = _settings(pipeline_root, target, project_dir)
    manifest = _manifest(pipeline_root, settings)
    opened = _open(settings)
    try:
        claim_warehouse(opened, manifest.pipeline.name, exclusive=False)
        setup(manifest, opened.session)
    except EltError as err:
        if is_transient(err):  # the warehouse, not the plan: Airflow's retries apply
            raise
        _fail(str(err))
    finally:
        opened.close()
    log.info("%s: schemas and tables ready on %s", manifest.pipeline.name, settings.name)


def _origin(context: dict):
    """The DAG run this task belongs to: every step of it logs under one run id (run_log)."""
    from framework.run.options import RunOrigin, airflow_run_id

    dag_run = context.get("dag_run")
    if dag_run is None:
        return None
    logical = context.get("logical_date") or getattr(dag_run, "logical_date", None)
    return RunOrigin(airflow_run_id(dag_run.dag_id, dag_run.run_id, logical), dag_run.run_id, logical)


def _figures(outcome) -> str:
    """What a step wrote, in words: `5 inserted, 2 updated` (nothing when it wrote no rows)."""
    names = ("inserted", "updated", "expired", "rejected")
    counts = [(n, getattr(outcome, f"rows_{n}")) for n in names]
    return ", ".join(f"{count} {name}" for name, count in counts if count)


def failing_checks(outcome) -> list[dict]:
    """The checks of a step that found rows (warn severity: the step still succeeded)."""
    return [{"check": c.name, "severity": c.severity, "failing_rows": c.failures} for c in outcome.checks if c.failures]


def run_step(pipeline_root: str, target: str, project_dir: str, step_id: str, **context) -> dict:
    """One load, build or check on the target's warehouse. A failed check or a refused load fails
    the task for good; a transient warehouse error is retried inside the step, then by Airflow.
    Every step of one DAG run logs under one run id, with the DAG run, its logical date and the
    fingerprint of the specs it ran; the task log says the rows written and any warned check."""
    import dataclasses

    from framework.errors import EltError, TransientWarehouseError, is_transient
    from framework.run.outcome import StepStatus
    from framework.run.runner import RunOptions, StepError, run_one_step
    from framework.run.warehouses import claim_warehouse

    settings = _settings(pipeline_root, target, project_dir)
    manifest = _manifest(pipeline_root, settings)
    batch = datetime.datetime.fromisoformat(_batch_date(context))
    origin = _origin(context)
    fingerprint = manifest.pipeline.source_fingerprint
    log.info(
        "%s of %s: run %s (DAG run %s), batch %s, specs %s (framework %s)",
        step_id,
        manifest.pipeline.name,
        origin.run_id if origin else "-",
        origin.dag_run_id if origin else "-",
        batch.date().isoformat(),
        fingerprint,
        manifest.framework_version,
    )
    opened = _open(settings)
    options = dataclasses.replace(RunOptions(batch, iam_role=opened.iam_role, retry=opened.retry), origin=origin)
    try:
        claim_warehouse(opened, manifest.pipeline.name, exclusive=False)  # refused during an `elt run`
        outcome = run_one_step(manifest, opened.session, opened.lake, options, step_id, ensure=False)
    except StepError as err:
        if err.outcome.transient:  # the warehouse, not the data: let Airflow's retries try later
            raise TransientWarehouseError(err.outcome.error) from None
        lines = [err.outcome.error]
        for check in err.outcome.checks:
            lines.append(f"{check.severity} {check.name}: {check.failures} failing row(s)")
            lines += [f"  {dict(zip(check.columns, row))}" for row in check.sample[:5]]
        _fail("\n".join(lines))
    except EltError as err:  # around the step (its tables, the run log, a stale DAG's step id)
        if is_transient(err):
            raise
        _fail(str(err))
    finally:
        opened.close()
    warned = failing_checks(outcome)
    what = "; ".join(part for part in (_figures(outcome) or "no rows written", outcome.detail) if part)
    level = logging.WARNING if warned or outcome.status is StepStatus.WARNED else logging.INFO
    log.log(level, "%s: %s (%s)", step_id, outcome.status, what)
    for failed in warned:
        log.warning(
            "%s: %s check %s: %s failing row(s)", step_id, failed["severity"], failed["check"], failed["failing_rows"]
        )
    return {
        "status": str(outcome.status),
        "rows_inserted": outcome.rows_inserted,
        "rows_updated": outcome.rows_updated,
        "warned_checks": warned,
        "detail": outcome.detail,
        "run_id": origin.run_id if origin else None,
        "spec_fingerprint": fingerprint,
    }


def check_freshness(pipeline_root: str, target: str, project_dir: str, **context) -> dict:
    """`elt freshness` as a task: each source's age logged; fails for good when one is past its
    error_after (warnings are logged only)."""
    from framework.errors import EltError, is_transient
    from framework.run.freshness import FreshnessStatus
    from framework.run.freshness import check_freshness as check

    settings = _settings(pipeline_root, target, project_dir)
    manifest = _manifest(pipeline_root, settings)
    if _no_warehouse(settings):  # as `elt freshness`: every source never loaded, nothing made
        found = check(manifest, None)
    else:
        opened = _open(settings)
        try:
            found = check(manifest, opened.session)
        except EltError as err:
            if is_transient(err):
                raise
            _fail(str(err))
        finally:
            opened.close()
    for item in found:
        log.info("%-30s %-12s loaded %s (batch %s)", item.source, item.status, item.loaded_at, item.batch_date)
    late = [f for f in found if f.status is FreshnessStatus.ERROR]
    if late:
        _fail(
            "source(s) past error_after: "
            + ", ".join(f"{f.source} (last loaded {f.loaded_at or 'never'}, error_after {f.error_after})" for f in late)
        )
    return {f.source: f.status.value for f in found}


def previous_run_done(**context) -> bool:
    """Whether the DAG run before this one (by logical date) is not running: the runs of a
    pipeline take turns. The scheduler keeps one active run (max_active_runs), but a backfill
    starts several at once, and two interleaved runs would load each other's batches (a run of
    day 1 taking day 2's, which its own run then finds loaded) or the same files together. A
    queued run is not waited for: it waits itself, for this one (max_active_runs) — a manual run
    of an earlier date queued behind the scheduler's run would otherwise hold both forever."""
    ti = context.get("ti")
    previous = ti.get_previous_dagrun() if ti is not None else None
    if previous is None:
        return True
    state = str(getattr(previous.state, "value", previous.state))
    if state == "running":
        log.info("waiting for DAG run %s (logical date %s), which is %s", previous.run_id, previous.logical_date, state)
        return False
    return True


def summarize(pipeline_root: str, target: str, project_dir: str, **context) -> dict:
    """Every task's state in this run, logged as one table. It runs whatever happened upstream,
    and fails when a task failed, so the run's state tells the truth (Airflow derives it from
    the last tasks, and this is the last one)."""
    from framework.run.outcome import StepStatus

    ti, dag_run = context.get("ti"), context.get("dag_run")
    states: dict[str, str] = {}
    if ti is not None and dag_run is not None:
        found = ti.get_task_states(dag_id=dag_run.dag_id, run_ids=[dag_run.run_id])
        for per_run in (found or {}).values():
            states.update({task: str(state) for task, state in (per_run or {}).items()})
    states.pop(getattr(ti, "task_id", "summary"), None)
    warned: dict[str, list[dict]] = {}
    warned_steps: dict[str, str] = {}  # a step warned for itself (a load that kept the rows before), with why
    for task in sorted(t for t, state in states.items() if "." in t and state == "success"):
        returned = ti.xcom_pull(task_ids=task) if ti is not None else None  # run_step's report
        if isinstance(returned, dict) and returned.get("warned_checks"):
            warned[task] = returned["warned_checks"]
        elif isinstance(returned, dict) and returned.get("status") == str(StepStatus.WARNED):
            warned_steps[task] = str(returned.get("detail") or "")
    for task, state in sorted(states.items()):
        if task in warned:
            checks = ", ".join(f"{c['check']} ({c['failing_rows']} rows)" for c in warned[task])
            log.warning("%-45s %s, WARNED: %s", task, state, checks)
        elif task in warned_steps:
            log.warning("%-45s %s, WARNED: %s", task, state, warned_steps[task])
        else:
            log.info("%-45s %s", task, state)
    if warned:
        count = sum(len(checks) for checks in warned.values())
        log.warning("%s warned check(s) in %s task(s): %s", count, len(warned), ", ".join(sorted(warned)))
    if warned_steps:  # green in Airflow too (adversarial round 52: a load that kept its rows)
        log.warning("%s warned step(s): %s", len(warned_steps), ", ".join(sorted(warned_steps)))
    broken = sorted(task for task, state in states.items() if state in ("failed", "upstream_failed"))
    failed_in_log = _failed_in_run_log(pipeline_root, target, project_dir, context, states)
    for task, (step, state, error) in sorted(failed_in_log.items()):
        log.error("%-45s %s, but elt.run_log records %s failed: %s", task, state, step, error or "")
    if broken or failed_in_log:
        told = [
            *broken,
            *(f"{task} (marked {state}; failed in elt.run_log)" for task, (_, state, _) in failed_in_log.items()),
        ]
        _fail(f"{len(told)} task(s) did not succeed: {', '.join(sorted(told))}")
    return {"states": states, "warned_checks": warned, "warned_steps": warned_steps}


def _failed_in_run_log(
    pipeline_root: str, target: str, project_dir: str, context: dict, states: dict[str, str]
) -> dict[str, tuple[str, str, str | None]]:
    """task → (step, its Airflow state, the logged error) for each step of this DAG run that the
    run log records as failed while its task does not say so: a failed task marked success by
    hand (its step's data was not written, and what reads it may be stale)."""
    origin = _origin(context)
    if origin is None:
        return {}
    from dag_factory.tasks import task_id
    from framework.compile.manifest import InternalQuery, StepKind
    from framework.run.outcome import StepStatus
    from framework.run.state import RunState, live_columns

    settings = _settings(pipeline_root, target, project_dir)
    if _no_warehouse(settings):
        return {}  # no step logged anything
    manifest = _manifest(pipeline_root, settings)
    opened = _open(settings)
    try:
        run_log = manifest.internal_sql(InternalQuery.RUN_LOG_STEPS).table
        if run_log not in live_columns(opened.session, manifest):  # no setup ran yet: nothing is logged
            return {}
        logged = RunState(manifest, opened.session, origin.run_id, origin).logged_steps()
    finally:
        opened.close()
    found = {}
    for step_id, (status, error) in logged.items():
        step = manifest.step(step_id)
        steps_task = step is not None and step.kind in (StepKind.LOAD, StepKind.BUILD, StepKind.CHECK)
        task = task_id(manifest, step) if steps_task else step_id
        state = states.get(task, "")
        if status == StepStatus.FAILED.value and state not in ("failed", "upstream_failed"):
            found[task] = (step_id, state or "not run", error)
    return found
