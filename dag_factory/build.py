"""manifest → Airflow 3 DAG. Imports json-level framework code and airflow only (never the
spec loader, jsonschema, sqlglot or a database driver), so a DAG file parses in milliseconds.

Graph (task groups by layer): previous_run (waits for the DAG run before this one to end) →
detect → ingest and setup (schemas and tables, once per run) →
load.<source> … → <layer>.<model> → <layer>.<model>_checks → … → summary; after the loads,
`freshness` checks each source's last load against its thresholds (fails past error_after). Task ids are the same for every target; what a task does
differs only at the entry: on the local target `detect` counts landing files and tasks run one at
a time (DuckDB allows one writer); on Redshift a deferrable S3 sensor waits for landing objects
and tasks run in parallel, each on its own IAM-authenticated session (Airflow connections).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dag_factory.tasks import spec_named as _spec_named
from dag_factory.tasks import spec_of as _spec_of
from dag_factory.tasks import task_id
from framework.compile.manifest import Manifest, StepInfo, StepKind
from framework.settings import LocalSettings, RedshiftSettings, TargetSettings
from framework.spec.model import SpecKind

LAYERS = ("staging", "dimension", "fact", "mart")
CALLABLES = "dag_factory.callables"
TASK_KINDS = (StepKind.LOAD, StepKind.BUILD, StepKind.CHECK)  # one task each; setup and tables: the setup task


@dataclass(frozen=True)
class DagSettings:
    pipeline_root: str  # absolute path of the pipeline folder
    target: TargetSettings  # the pipeline.yml target the DAG runs on, resolved
    retries: int = 3
    retry_delay_seconds: int = 60


def _doc(manifest: Manifest) -> str:
    lines = [
        f"# {manifest.pipeline.name}",
        "",
        manifest.pipeline.description or "",
        "",
        "| model | layer | description |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {s.name} | {s.layer} | {s.description.strip()} |" for s in manifest.specs if s.kind is SpecKind.MODEL]
    return "\n".join(lines)


def asset_for(manifest: Manifest, model: str):
    """The model's data as an Airflow Asset, known by pipeline and model: a layer's schema changed
    in pipeline.yml keeps its identity (a URI naming the schema made a second asset of the same
    name, which Airflow holds inactive, and the model's task failed before it ran)."""
    from airflow.sdk import Asset

    _spec_named(manifest, model)  # a model of the manifest, or a KeyError naming it
    return Asset(name=f"{manifest.pipeline.name}.{model}", uri=f"elt://{manifest.pipeline.name}/{model}")


def build_dag(manifest: Manifest, settings: DagSettings):
    from airflow.sdk import DAG, TaskGroup

    pipeline = manifest.pipeline
    target = settings.target
    local = isinstance(target, LocalSettings)  # DuckDB allows one writer: tasks one at a time
    default_args = {
        "owner": pipeline.owner,
        "retries": settings.retries,
        "retry_exponential_backoff": True,
        "retry_delay": datetime.timedelta(seconds=settings.retry_delay_seconds),
        "max_retry_delay": datetime.timedelta(minutes=30),
    }
    schedule = None if pipeline.schedule in ("none", "") else pipeline.schedule
    dag = DAG(
        dag_id=pipeline.name,
        schedule=schedule,
        start_date=datetime.datetime.fromisoformat(pipeline.start_date).replace(tzinfo=datetime.UTC),
        catchup=pipeline.catchup,
        max_active_runs=1,
        max_active_tasks=1 if local else 16,
        tags=list(pipeline.tags),
        default_args=default_args,
        doc_md=_doc(manifest),
        description=(pipeline.description or "")[:200],
    )
    common = {"pipeline_root": settings.pipeline_root, "target": target.name, "project_dir": target.project_dir}
    with dag:
        if isinstance(target, RedshiftSettings):
            detect, ingest = _redshift_entry(manifest, target, common)
        else:
            detect, ingest = _local_entry(manifest, target, common)
        previous = _previous_run()
        setup = _python(
            "setup",
            "setup_warehouse",
            common,
            doc_md="Schemas, the framework's tables and every staging and model table, once, before any load.",
        )
        previous >> detect >> [ingest, setup]
        tasks = {}
        groups = {"load": TaskGroup("load", tooltip="landing batches into staging, exactly once")}
        groups.update(
            {
                layer: TaskGroup(layer)
                for layer in LAYERS
                if any(s.layer == layer and s.kind is SpecKind.MODEL for s in manifest.specs)
            }
        )
        for step in manifest.steps:
            if step.kind not in TASK_KINDS:
                continue
            group = groups["load" if step.kind is StepKind.LOAD else _spec_of(manifest, step).layer]
            tasks[step.id] = _task(manifest, step, common, group)
        for step in manifest.steps:
            if step.id not in tasks:
                continue
            upstream = [tasks[d] for d in step.depends_on if d in tasks]
            if step.kind is StepKind.LOAD:
                upstream += [ingest, setup]
            for parent in upstream:
                parent >> tasks[step.id]
        summary = _summary(manifest, common)
        for step_id, task in tasks.items():
            if not any(s.id != step_id and step_id in s.depends_on for s in manifest.steps if s.id in tasks):
                task >> summary
        freshness = _freshness(common)
        loads = [tasks[s.id] for s in manifest.steps if s.kind is StepKind.LOAD and s.id in tasks]
        for parent in loads or [setup]:
            parent >> freshness
        freshness >> summary
    return dag


def _python(task_id: str, function: str, kwargs: dict, **extra):
    from airflow.providers.standard.operators.python import PythonOperator

    from dag_factory import callables

    return PythonOperator(task_id=task_id, python_callable=getattr(callables, function), op_kwargs=kwargs, **extra)


def _previous_run():
    """The first task: waits (rescheduled, holding no worker slot) while the DAG run before this
    one is running — a backfill starts several runs at once (its own max_active_runs),
    and a pipeline's runs must not interleave."""
    from airflow.providers.standard.sensors.python import PythonSensor

    from dag_factory import callables

    return PythonSensor(
        task_id="previous_run",
        python_callable=callables.previous_run_done,
        mode="reschedule",
        poke_interval=30,
        timeout=7 * 24 * 3600,
        retries=0,
        doc_md="Waits while the DAG run before this one (by logical date) is running.",
    )


def _local_entry(manifest: Manifest, target: TargetSettings, common: dict):
    detect = _python("detect", "detect_landing", common)
    ingest = _python(
        "ingest",
        "ingest_landing",
        common,
        doc_md="Landing files → typed Parquet in the lake for the run's logical date.",
    )
    return detect, ingest


def _redshift_entry(manifest: Manifest, target: RedshiftSettings, common: dict):
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

    # a dated landing prefix (`…/{batch_date}`) is the run's logical date: `bucket_key` is templated
    bucket, prefix = target.landing_location_for("{{ ds }}")
    detect = S3KeySensor(
        task_id="detect",
        bucket_name=bucket,
        bucket_key=f"{prefix}/*",
        wildcard_match=True,
        aws_conn_id=target.aws_conn_id,
        deferrable=True,
        poke_interval=300,
        timeout=6 * 3600,
    )
    ingest = _python("ingest", "ingest_landing", common)
    return detect, ingest


def _task(manifest: Manifest, step: StepInfo, common: dict, group):
    """Every target runs a step the same way (guards, transaction, ledger, state, retries): the
    framework's executor in the task, on the target's session. Only the entry tasks differ."""
    outlets = [asset_for(manifest, _spec_of(manifest, step).name)] if step.kind is StepKind.BUILD else []
    name = task_id(manifest, step).split(".", 1)[1]
    # every task is retried after a transient error (the warehouse, the network); a failed check, a
    # refused load or a spec error fails it for good (AirflowFailException: no retry)
    return _python(name, "run_step", {**common, "step_id": step.id}, task_group=group, outlets=outlets)


def _freshness(common: dict):
    """Each source's last load against its freshness thresholds, once the loads are done (failed
    or not: a source whose load failed is the one to report). Fails past error_after; it gates
    no build, and the summary fails the run."""
    return _python(
        "freshness",
        "check_freshness",
        common,
        trigger_rule="all_done",
        doc_md="Each source's latest load (elt.file_ledger.loaded_at) against its spec's freshness thresholds.",
    )


def _summary(manifest: Manifest, common: dict):
    from airflow.providers.standard.operators.python import PythonOperator

    from dag_factory import callables

    return PythonOperator(
        task_id="summary", python_callable=callables.summarize, op_kwargs=common, trigger_rule="all_done"
    )


NOT_SCHEDULED_TAG = "elt:not-scheduled"


def not_scheduled_dag(name: str, pipeline_root: str, what: str, details: str):
    """The DAG of a pipeline that does not build (its specs or pipeline.yml have errors): the same
    dag_id, so its pause state and run history stay; no schedule; the diagnostics in its
    description and docs; one task, `spec_errors`, that fails with them (no retry) if triggered."""
    from airflow.sdk import DAG

    lines = [line for line in details.splitlines() if line.strip()]
    first = lines[0] if lines else what
    more = f" (+{len(lines) - 1} more, see the DAG docs)" if len(lines) > 1 else ""
    message = f"pipeline {name} is not scheduled: {what}" + ("\n" + details if details else "")
    doc = "\n".join(
        [
            f"# {name}: not scheduled",
            "",
            f"`{pipeline_root}`: {what}. Nothing runs until they are fixed (`elt lint`); the DAG",
            "is rebuilt at the next parse after the fix, with its schedule and history.",
            "",
            "```",
            details or what,
            "```",
        ]
    )
    dag = DAG(
        dag_id=name,
        schedule=None,
        tags=[NOT_SCHEDULED_TAG],
        doc_md=doc,
        description=f"NOT SCHEDULED: {first}{more}"[:1000],
    )
    with dag:
        _python(
            "spec_errors", "fail_not_scheduled", {"message": message}, retries=0, doc_md="Fails with the diagnostics."
        )
    return dag
