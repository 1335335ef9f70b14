"""How a run is asked to run: its batch time, whether to rebuild everything, which specs
(`--select`/`--exclude`), its COPY role and retry policy. Resolved once by the caller (CLI, Airflow task) and passed down frozen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from framework.compile.selection import SelectionRequest
from framework.execute.retry import NO_RETRY, RetryPolicy


@dataclass(frozen=True)
class RunOptions:
    batch_ts: datetime.datetime
    full: bool = False  # rebuild every model even when up to date
    iam_role: str | None = None  # the role Redshift assumes for COPY (from the environment, never YAML)
    retry: RetryPolicy = NO_RETRY  # remote warehouses retry a step on transient errors
    allow_partial: frozenset[str] = frozenset()  # incomplete batches to load anyway (logged)
    full_checks: bool = False  # a scoped build audits the whole table, not just the keys it rewrote
    # --select/--exclude, parsed: resolved once against the manifest (run_pipeline); None: everything
    selection: SelectionRequest | None = None
