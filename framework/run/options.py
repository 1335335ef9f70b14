"""How a run is asked to run: its batch time, whether to rebuild everything, which specs
(`--select`/`--exclude`), its COPY role and retry policy. Resolved once by the caller (CLI, Airflow task) and passed down frozen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from framework.compile.selection import SelectionRequest
from framework.execute.retry import NO_RETRY, RetryPolicy

# `batch_ts` when the caller names none (`elt run` without --batch-date): the run's batch time is
# then the latest batch it may load, as the DAG run of that day has it (RunContext.batch_time)
LATEST_BATCH: Final = datetime.datetime.min


@dataclass(frozen=True)
class RunOptions:
    batch_ts: datetime.datetime  # SCD2 `invalidate` closes keys absent from the batch at it
    full: bool = False  # reload every selected source from the lake, rebuild every selected model whole
    iam_role: str | None = None  # the role Redshift assumes for COPY (from the environment, never YAML)
    retry: RetryPolicy = NO_RETRY  # remote warehouses retry a step on transient errors
    allow_partial: frozenset[str] = frozenset()  # incomplete batches to load anyway (logged)
    full_checks: bool = False  # every model's whole table audited, scoped or up to date
    wait_seconds: float = 0.0  # a DuckDB warehouse file another process has open: wait this long for it
    # --select/--exclude, parsed: resolved once against the manifest (run_pipeline); None: everything
    selection: SelectionRequest | None = None
    origin: RunOrigin | None = None  # the orchestrator's run this step belongs to (None: a run of its own)
    # the latest batch to load ('' : any): a backlog that SCD2 history must see batch by batch is
    # run one batch at a time (runner.run_pipeline), each run with its own batch as its batch time
    through: str = ""


@dataclass(frozen=True)
class RunOrigin:
    """An orchestrator's run (an Airflow DAG run) whose tasks each run a step: they share its
    run id in the run log, which also records the DAG run and its logical date."""

    run_id: str  # derived from the DAG run (`airflow_run_id`), the same in every task of it
    dag_run_id: str
    logical_date: datetime.datetime | None


def airflow_run_id(dag_id: str, dag_run_id: str, logical_date: datetime.datetime | None) -> str:
    """A run id for every step of one DAG run, shaped like `elt run`'s (time, then 8 hex digits):
    the logical date, or 00000000T000000 for a run without one, and a digest of dag and run ids."""
    import hashlib

    if logical_date is not None and logical_date.tzinfo is not None:
        logical_date = logical_date.astimezone(datetime.UTC)
    when = logical_date.strftime("%Y%m%dT%H%M%S") if logical_date else "00000000T000000"
    return f"{when}-af{hashlib.sha256(f'{dag_id}/{dag_run_id}'.encode()).hexdigest()[:8]}"
