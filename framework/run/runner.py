"""The runner: executes a compiled manifest on a warehouse session (DuckDB, PostgreSQL, Redshift).

Order: setup → staging tables → for each source, load the lake files the ledger has not
seen (each source's load and its ledger rows commit together) → each model in dependency
order, in one transaction with its state record → its checks. A model is rebuilt when an
upstream load brought rows, an upstream model was rebuilt, its definition changed, or its
last build did not complete; otherwise it is up to date. A failure rolls its step back,
leaves the previous committed state visible, and skips the models downstream of it; an
error-severity check failure does the same. Re-running converges: loaded files are never
reloaded, unfinished models are rebuilt.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from framework.compile.manifest import Manifest, StepInfo
from framework.errors import ConfigError, EltError
from framework.execute.retry import NO_RETRY, RetryPolicy, is_transient, with_retries
from framework.execute.steps import StepFailed, execute_step, run_statement
from framework.run.detect import pending_files
from framework.settings import TargetSettings

OK, WARNED, FAILED, SKIPPED, UP_TO_DATE, NOTHING = "ok", "warned", "failed", "skipped", "up to date", "nothing new"


@dataclass
class CheckOutcome:
    name: str
    severity: str
    failures: int
    sample: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


@dataclass
class StepOutcome:
    step: str
    status: str
    seconds: float = 0.0
    rows_inserted: int | None = None
    rows_updated: int | None = None
    rows_expired: int | None = None
    rows_rejected: int | None = None
    detail: str = ""
    error: str = ""
    checks: list[CheckOutcome] = field(default_factory=list)
    transient: bool = False  # failed for a passing reason (connection, conflict, capacity): worth a later retry


@dataclass
class RunResult:
    run_id: str
    pipeline: str
    target: str
    warehouse: str
    compiled: bool
    outcomes: list[StepOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(o.status not in (FAILED,) for o in self.outcomes)


@dataclass(frozen=True)
class RunOptions:
    batch_ts: datetime.datetime
    full: bool = False  # rebuild every model even when up to date
    iam_role: str | None = None  # the role Redshift assumes for COPY (from the environment, never YAML)
    retry: RetryPolicy = NO_RETRY  # remote warehouses retry a step on transient errors


class Runner:
    def __init__(
        self, manifest: Manifest, conn, lake, options: RunOptions, on_step: Callable[[StepOutcome], None] | None = None
    ):
        self.manifest, self.conn, self.lake, self.options = manifest, conn, lake, options
        self.on_step = on_step or (lambda outcome: None)
        self.run_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.pipeline = manifest.pipeline.name
        self.changed: set[str] = set()  # specs whose data changed in this run
        self.blocked: dict[str, str] = {}  # spec -> why its dependents cannot run
        self._live: dict[str, set[str]] | None = None  # schema.table -> its columns, read once

    def run(self) -> list[StepOutcome]:
        outcomes = []
        for step in self.manifest.steps:
            if step.kind in ("setup", "table"):
                execute_step(self.conn, step)
        state = {
            model: (fingerprint, run_id)
            for model, fingerprint, run_id in run_statement(
                self.conn, self.manifest.internal_sql("model_state"), {"pipeline": self.pipeline}
            )
        }
        for step in self.manifest.steps:
            if step.kind == "load":
                outcome = self._load(step)
            elif step.kind == "build":
                outcome = self._build(step, state)
            elif step.kind == "check":
                outcome = self._check(step)
            else:
                continue
            if outcome is None:
                continue
            self._log(outcome)
            outcomes.append(outcome)
            self.on_step(outcome)
        return outcomes

    # -- loads ------------------------------------------------------------------------------------
    def _load(self, step: StepInfo) -> StepOutcome:
        started = time.perf_counter()
        source = step.spec
        pending = pending_files(self.conn, self.manifest, self.lake, source)
        if pending.changed:
            lake_file, was = pending.changed[0]
            self.blocked[source] = "its load was refused"
            return StepOutcome(
                step.id,
                FAILED,
                time.perf_counter() - started,
                error=(
                    f"{lake_file.path} changed after it was loaded (checksum {was[:12]}… now {lake_file.checksum[:12]}…); "
                    "a loaded file is never reloaded: deliver corrections as a new file or batch"
                ),
            )
        if not pending.new:
            return StepOutcome(step.id, NOTHING, time.perf_counter() - started, detail="no new files")
        files = [self._ledger_row(source, f) for f in pending.new]
        try:
            params = self._load_params(step, pending.new)
            result = self._execute(lambda: execute_step(self.conn, step, params, files=files))
        except Exception as err:  # a vanished file, a bad file, a full disk: this source fails, the rest go on
            self.blocked[source] = "its load failed"
            return StepOutcome(
                step.id, FAILED, time.perf_counter() - started, error=_reason(err), transient=is_transient(err)
            )
        read, kept = result.reports.get("rows_read", 0), result.reports.get("rows_kept", 0)
        if kept:
            self.changed.add(source)
        inserted = result.affected.get("INSERT", 0) + result.affected.get("MERGE", 0)
        detail = f"{len(pending.new)} file(s), {read:,} row(s)" + (
            f", {read - kept:,} duplicate key(s) dropped" if read != kept else ""
        )
        return StepOutcome(
            step.id,
            OK,
            time.perf_counter() - started,
            rows_inserted=inserted,
            rows_rejected=self._rejected(source, pending.new),
            detail=detail,
        )

    def _load_params(self, step: StepInfo, new_files) -> dict[str, Any]:
        if "manifest_url" in step.params:  # COPY: a manifest lists exactly the files the ledger lacks
            if not self.options.iam_role:
                raise ConfigError(
                    "no IAM role for COPY: set the environment variable named by the target's iam_role_arn_env"
                )
            return {
                "manifest_url": self.lake.write_copy_manifest(self.pipeline, step.spec, self.run_id, new_files),
                "iam_role": self.options.iam_role,
            }
        return {"batch_files": [f.path for f in new_files]}

    def _execute(self, action):
        """A step on a remote warehouse is retried whole on transient errors (after reconnecting)."""

        def reconnect(err, attempt):
            if hasattr(self.conn, "reconnect"):
                self.conn.reconnect()

        return with_retries(action, self.options.retry, before_retry=reconnect)

    def _ledger_row(self, source: str, lake_file) -> dict[str, Any]:
        rows = self.lake.row_count(lake_file.path) if self.lake.exists(lake_file.path) else 0
        return {
            "pipeline": self.pipeline,
            "source": source,
            "path": lake_file.path,
            "size_bytes": lake_file.size,
            "checksum": lake_file.checksum,
            "row_count": rows,
            "batch_date": datetime.date.fromisoformat(lake_file.batch_date)
            if lake_file.batch_date
            else self.options.batch_ts.date(),
            "run_id": self.run_id,
            "loaded_at": datetime.datetime.now(datetime.UTC).replace(tzinfo=None),
        }

    def _rejected(self, source: str, files) -> int:
        count = 0
        for lake_file in files:
            name = lake_file.path.replace("\\", "/").rsplit("/", 1)[-1]
            rejects = self.lake.reject_file(self.pipeline, source, lake_file.batch_date, name)
            if self.lake.exists(rejects):
                count += self.lake.row_count(rejects)
        return count

    # -- models -----------------------------------------------------------------------------------
    def _build(self, step: StepInfo, state: dict) -> StepOutcome | None:
        spec = self.manifest.spec(step.spec)
        started = time.perf_counter()
        blockers = [d for d in spec.depends_on if d in self.blocked]
        if blockers:
            self.blocked[spec.name] = f"upstream {blockers[0]} {self.blocked[blockers[0]]}"
            return StepOutcome(step.id, SKIPPED, 0.0, detail=f"skipped: {blockers[0]} {self.blocked[blockers[0]]}")
        fingerprint = spec.fingerprint("data")
        upstream_changed = [d for d in spec.depends_on if d in self.changed]
        if not (self.options.full or upstream_changed or state.get(spec.name, (None,))[0] != fingerprint):
            return StepOutcome(step.id, UP_TO_DATE, time.perf_counter() - started)
        drift = self._drift(spec)
        if drift and not self.options.full:
            self.blocked[spec.name] = "no longer matches its table"
            return StepOutcome(
                step.id,
                FAILED,
                time.perf_counter() - started,
                error=(
                    f"{spec.table} {drift}: its spec changed in a way the table cannot follow in place (see `elt plan "
                    "--compare`). `elt run --full` recreates the table and rebuilds it from its inputs (an incremental "
                    "model keeps only what its SELECT returns)"
                ),
            )
        prelude = ()
        if drift:  # --full: drop and recreate in the build's own transaction (a failure keeps the old table)
            prelude = (
                self.manifest.internal_sql(f"drop_table:{spec.name}"),
                *self.manifest.step(f"table:{spec.name}").statements,
            )

        def record_state(conn) -> None:
            keys = {"pipeline": self.pipeline, "model": spec.name}
            run_statement(conn, self.manifest.internal_sql("model_state_delete"), keys)
            run_statement(
                conn,
                self.manifest.internal_sql("model_state_insert"),
                {
                    **keys,
                    "data_fingerprint": fingerprint,
                    "run_id": self.run_id,
                    "built_at": datetime.datetime.now(datetime.UTC).replace(tzinfo=None),
                },
            )

        try:
            result = self._execute(
                lambda: execute_step(
                    self.conn, step, {"batch_ts": self.options.batch_ts}, in_transaction=record_state, prelude=prelude
                )
            )
        except Exception as err:
            self.blocked[spec.name] = "failed to build"
            return StepOutcome(
                step.id, FAILED, time.perf_counter() - started, error=_reason(err), transient=is_transient(err)
            )
        self.changed.add(spec.name)
        inserted, deleted = result.affected.get("INSERT", 0), result.affected.get("DELETE", 0)
        updated = result.affected.get("MERGE", 0) + min(inserted, deleted)
        return StepOutcome(
            step.id,
            OK,
            time.perf_counter() - started,
            rows_inserted=max(inserted - deleted, 0) if spec.materialization != "table" else inserted,
            rows_updated=updated,
            rows_expired=result.reports.get("rows_expired"),
        )

    def _drift(self, spec) -> str:
        """How an incremental model's live table differs from its spec's columns ('' if it does not).
        Other models replace their table (or view) whole on every build."""
        if spec.materialization != "incremental":
            return ""
        if self._live is None:
            self._live = {}
            for schema, table, column in run_statement(self.conn, self.manifest.internal_sql("table_columns")):
                self._live.setdefault(f"{schema}.{table}", set()).add(column)
        live = self._live.get(spec.table)
        if not live:
            return ""
        declared = [c.name for c in spec.columns]
        missing = [c for c in declared if c not in live]
        extra = sorted(live - set(declared))
        parts = ([f"lacks column(s) {', '.join(missing)}"] if missing else []) + (
            [f"has column(s) {', '.join(extra)} no longer in the spec"] if extra else []
        )
        return " and ".join(parts)

    # -- checks -----------------------------------------------------------------------------------
    def _check(self, step: StepInfo) -> StepOutcome | None:
        if step.spec not in self.changed:
            return None  # checks run after a build (a skipped or up-to-date model keeps its last verdict)
        started = time.perf_counter()
        outcome = StepOutcome(step.id, OK)
        try:
            outcome.checks = self._execute(lambda: self._failing_checks(step))
        except Exception as err:  # the warehouse failed us, not the data: say so, block downstream
            self.blocked[step.spec] = "could not be checked"
            return StepOutcome(
                step.id, FAILED, time.perf_counter() - started, error=_reason(err), transient=is_transient(err)
            )
        errors = [c for c in outcome.checks if c.severity == "error"]
        if errors:
            outcome.status = FAILED
            outcome.error = "; ".join(f"{c.name}: {c.failures} failing row(s)" for c in errors)
            self.blocked[step.spec] = "failed its checks"
        elif outcome.checks:
            outcome.status = WARNED
        outcome.detail = f"{len(step.checks)} check(s), {len(outcome.checks)} with failures"
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _failing_checks(self, step: StepInfo) -> list[CheckOutcome]:
        counts = (
            list(self.conn.execute(step.statements[0].sql).fetchone())
            if step.statements
            else [self.conn.execute(c.count_sql).fetchone()[0] for c in step.checks]
        )
        failing = []
        for check, failures in zip(step.checks, counts):
            if failures:
                cursor = self.conn.execute(check.sample_sql)
                failing.append(
                    CheckOutcome(
                        check.name, check.severity, int(failures), cursor.fetchall(), [d[0] for d in cursor.description]
                    )
                )
        return failing

    # -- run log ----------------------------------------------------------------------------------
    def _log(self, outcome: StepOutcome) -> None:
        run_statement(
            self.conn,
            self.manifest.internal_sql("run_log_insert"),
            {
                "run_id": self.run_id,
                "pipeline": self.pipeline,
                "step": outcome.step,
                "status": outcome.status,
                "rows_inserted": outcome.rows_inserted,
                "rows_updated": outcome.rows_updated,
                "rows_expired": outcome.rows_expired,
                "rows_rejected": outcome.rows_rejected,
                "started_at": datetime.datetime.now(datetime.UTC).replace(tzinfo=None),
                "duration_ms": round(outcome.seconds * 1000, 3),
                "error": outcome.error or None,
            },
        )


class StepError(EltError):
    """A step that failed; `outcome.transient` says whether a later try may work (the warehouse
    failed for a passing reason) or not (a data or spec problem)."""

    def __init__(self, outcome: StepOutcome):
        super().__init__(f"{outcome.step}: {outcome.error or outcome.status}")
        self.outcome = outcome


def run_one_step(manifest: Manifest, conn, lake, options: RunOptions, step_id: str) -> StepOutcome:
    """One step on its own, as an orchestrator task runs it: a load loads what the ledger lacks, a
    build always rebuilds (its upstream tasks ran), a check checks. Setup and tables are ensured
    first (idempotent). Raises StepError when the step fails."""
    runner = Runner(manifest, conn, lake, options)
    for step in manifest.steps:
        if step.kind in ("setup", "table"):
            execute_step(conn, step)
    step = manifest.step(step_id)
    if step is None:
        raise ConfigError(f"no step {step_id!r} in the manifest of {manifest.pipeline.name}")
    if step.kind == "load":
        outcome = runner._load(step)
    elif step.kind == "build":
        outcome = runner._build(step, {})
    elif step.kind == "check":
        runner.changed.add(step.spec)
        outcome = runner._check(step)
    else:
        raise ConfigError(f"step {step_id!r} is not a load, build or check")
    runner._log(outcome)
    if outcome.status == FAILED:
        raise StepError(outcome)
    return outcome


def _reason(err: Exception) -> str:
    """One line. Our errors say what happened (a driver's, mapped, keeps its class name and
    words); anything else is named by its class."""
    if isinstance(err, StepFailed):
        return str(err)
    text = str(err) if isinstance(err, EltError) else f"{type(err).__name__}: {err}"
    return " ".join(text.split())


def run_pipeline(
    root: str,
    settings: TargetSettings,
    options: RunOptions,
    on_step: Callable[[StepOutcome], None] | None = None,
) -> RunResult:
    """Run the pipeline at `root` on the target `settings` resolve (framework.settings)."""
    import dataclasses

    from framework.run.cache import manifest_for
    from framework.run.warehouses import open_warehouse

    started = time.perf_counter()
    manifest, compiled = manifest_for(root, settings)
    opened = open_warehouse(settings)
    options = dataclasses.replace(options, iam_role=options.iam_role or opened.iam_role, retry=opened.retry)
    try:
        runner = Runner(manifest, opened.session, opened.lake, options, on_step)
        outcomes = runner.run()
    finally:
        opened.close()
    return RunResult(
        runner.run_id,
        manifest.pipeline.name,
        manifest.target,
        opened.label,
        compiled,
        outcomes,
        time.perf_counter() - started,
    )
