"""The runner: executes a compiled manifest on a warehouse session (DuckDB, PostgreSQL, Redshift).

Order: setup → staging tables → for each source, load the lake files the ledger has not
seen (each source's load and its ledger rows commit together) → each model in dependency
order, in one transaction with its state record → its checks. What runs and what is skipped
is the scheduler's decision (scheduler.py); each step kind has its runner (step_runners.py);
the run's records live in the warehouse (state.py). A failure rolls its step back, leaves the
previous committed state visible, and skips the models downstream of it; an error-severity
check failure does the same. Re-running converges: loaded files are never reloaded,
unfinished models are rebuilt.

A selection (`--select`/`--exclude`, framework/compile/selection.py) runs only the load, build
and check steps of the selected specs: a source loads only when it is selected itself (`+model`
selects the sources a model reads; a bare `model` loads nothing and builds from staging as it
is). An unselected model is neither built nor recorded as up to date; the records a run may still
add for it are the invalidation every load or build writes for the models downstream of what it
changed, so the next run rebuilds them instead of trusting stale tables, and the `unaudited` mark
of a model whose relationships checks read a parent that may have lost rows (step_runners.defer_audit).
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from collections.abc import Callable

from framework.compile.manifest import InternalQuery, Manifest, SpecInfo, StepInfo, StepKind
from framework.compile.manifest import step_id as id_of_step
from framework.compile.selection import Selection
from framework.errors import (
    ConfigError,
    EltError,
    TerminalWarehouseError,
    TransientWarehouseError,
    WarehouseError,
)
from framework.execute.session import Session
from framework.execute.steps import execute_step, run_statement
from framework.lake import Lake
from framework.run.options import RunOptions
from framework.run.outcome import CheckOutcome, RunResult, StepOutcome, StepStatus
from framework.run.scheduler import Scheduler
from framework.run.state import RunState, live_columns
from framework.run.step_runners import STEP_RUNNERS, RunContext, defer_audit, inputs_changed_since_last_build
from framework.settings import TargetSettings
from framework.spec.model import Materialization, SpecKind

# Statuses under their short names (tests and callers compare outcomes with these).
OK, WARNED, FAILED = StepStatus.OK, StepStatus.WARNED, StepStatus.FAILED
SKIPPED, UP_TO_DATE, NOTHING = StepStatus.SKIPPED, StepStatus.UP_TO_DATE, StepStatus.NOTHING_NEW

__all__ = [
    "CheckOutcome",
    "RunOptions",
    "RunResult",
    "Runner",
    "StepError",
    "StepOutcome",
    "StepStatus",
    "run_one_step",
    "run_pipeline",
    "setup_warehouse",
]


def new_run_id() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def ensure_tables(conn: Session, manifest: Manifest) -> dict[str, dict[str, str]]:
    """`_ensure_tables`, a warehouse's refusal named as the run's setup (no step has run yet: a
    driver's words alone said neither what was being made nor what to do)."""
    try:
        return _ensure_tables(conn, manifest)
    except WarehouseError as err:
        hint = (
            " The pipeline's database user may not create them: `elt bootstrap` prints the roles and grants it "
            "needs (see the README's go-live steps)."
            if "permission denied" in str(err).lower()
            else ""
        )
        kind = TransientWarehouseError if isinstance(err, TransientWarehouseError) else TerminalWarehouseError
        raise kind(f"setup (the pipeline's schemas and tables, the framework's own) failed: {err}.{hint}") from err


def _ensure_tables(conn: Session, manifest: Manifest) -> dict[str, dict[str, str]]:
    """Schemas, the framework's tables and every staging/model table (each statement idempotent),
    then the framework columns a warehouse made by an older version lacks. Returns the live
    columns it read before (the run reuses them to tell a table its spec outgrew; a table made
    now is not in them: it matches its spec). A table a run had made that is gone (dropped
    outside elt) is made anew, empty — and its state says so: a source's ledger rows go (its
    next load reads every lake file again), a model's next build is whole. An orchestrator runs
    this once per run, in a task of its own before any load (see `setup_warehouse`)."""
    live = live_columns(conn, manifest)
    _drop_switched(conn, manifest, live)
    for step in manifest.steps:
        if step.kind in (StepKind.SETUP, StepKind.TABLE):
            missing = _creating_missing(step, live)
            if missing.statements:
                execute_step(conn, missing)
    _record_lost_tables(conn, manifest, live)
    for upgrade in manifest.upgrades:
        if upgrade.table in live and upgrade.column not in live[upgrade.table]:  # made now: made whole
            upgrade_id = f"upgrade {upgrade.table}.{upgrade.column}"
            execute_step(conn, StepInfo(upgrade_id, StepKind.SETUP, None, (), True, (), upgrade.statements))
            live.setdefault(upgrade.table, {})[upgrade.column] = ""  # as the table is now (its type not compared)
    return live


def _creating_missing(step: StepInfo, live: dict[str, dict[str, str]]) -> StepInfo:
    """The step without its CREATEs of relations the warehouse has (each is IF NOT EXISTS: a no-op
    there, yet a statement and a transaction each; on a warm warehouse this is most of an idle run)."""
    schemas = {table.split(".", 1)[0] for table in live}
    kept = tuple(s for s in step.statements if not (s.verb == "CREATE" and (s.table in live or s.table in schemas)))
    return step if len(kept) == len(step.statements) else dataclasses.replace(step, statements=kept)


def _drop_switched(conn: Session, manifest: Manifest, live: dict[str, dict[str, str]]) -> None:
    """A model whose materialization switched between view and table: the relation of the other
    kind goes first (CREATE TABLE cannot replace a view, nor CREATE VIEW a table). A table model
    made from a view is then made anew, and recorded as lost: its first build is whole."""
    if not live:
        return
    kinds = {
        f"{schema}.{name}": str(kind).upper()
        for schema, name, kind in run_statement(conn, manifest.internal_sql(InternalQuery.TABLE_KINDS))
    }
    for spec in manifest.specs:
        kind = kinds.get(spec.table, "")
        if (
            spec.kind is not SpecKind.MODEL
            or not kind
            or ("VIEW" in kind) == (spec.materialization is Materialization.VIEW)
        ):
            continue
        conn.execute(_drop_sql(manifest.target, spec.table, view="VIEW" in kind))
        live.pop(spec.table, None)  # gone now: a table made in its place is a lost one's


def _drop_sql(target: str, table: str, view: bool) -> str:
    """DROP VIEW / DROP TABLE IF EXISTS of `schema.table`, rendered for the target (sqlglot is
    imported only here: an idle run never needs it)."""
    from sqlglot import exp

    from framework.compile.render import render_statement
    from framework.sql.dialects import get_dialect

    schema, name = table.split(".", 1)
    relation = exp.Table(this=exp.to_identifier(name), db=exp.to_identifier(schema))
    return render_statement(
        get_dialect(target), exp.Drop(tables=[relation], kind="VIEW" if view else "TABLE", exists=True)
    )


def _record_lost_tables(conn: Session, manifest: Manifest, live: dict[str, dict[str, str]]) -> None:
    """The staging and model tables a run had made that were gone before setup made them anew."""
    ledger = next(s.table for s in manifest.internal if s.purpose == InternalQuery.LEDGER_FILES)
    if ledger not in live:  # a warehouse no run has set up: nothing can be lost
        return
    gone = [s for s in manifest.specs if s.materialization is not Materialization.VIEW and s.table not in live]
    if not gone:
        return
    state = RunState(manifest, conn, new_run_id())
    built = state.built().last
    conn.execute("BEGIN TRANSACTION")
    try:
        for spec in gone:
            if spec.kind is SpecKind.SOURCE:
                state.forget_loads(conn, spec.name)
                # its readers' next builds are whole: the load that refills it counts past them
                consumed = [last.consumed.get(spec.name, 0) for last in built.values()]
                state.record_whole(conn, spec.name, max([0, *consumed]) + 1)
            elif spec.name in built:  # a model never built has lost nothing
                state.lose(conn, spec.name)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Runner:
    def __init__(
        self,
        manifest: Manifest,
        conn: Session,
        lake: Lake,
        options: RunOptions,
        on_step: Callable[[StepOutcome], None] | None = None,
        selection: Selection | None = None,
    ):
        self.manifest, self.conn, self.lake, self.options = manifest, conn, lake, options
        self.selection = selection  # None: every step; else only the selected specs' steps run
        self.on_step = on_step or (lambda outcome: None)
        self.state = RunState(manifest, conn, new_run_id(), options.origin)
        self.run_id = self.state.run_id
        self.pipeline = manifest.pipeline.name
        self.scheduler = Scheduler(full=options.full, full_checks=options.full_checks)
        self.context = RunContext(manifest, conn, lake, options, self.scheduler, self.state, selection=selection)

    def run(self) -> list[StepOutcome]:
        self.prepare()
        return self.run_steps()

    def prepare(self) -> None:
        """The tables made or upgraded, and the models' latest builds read: before any step."""
        self.state.live = ensure_tables(self.conn, self.manifest)
        built = self.state.built()
        self.state.mark_removed(self.conn, built)
        self.scheduler.built, self.scheduler.shapes = built.fingerprints, built.shapes
        self.context.built = built

    def run_steps(self) -> list[StepOutcome]:
        outcomes = []
        idle: list[StepOutcome] = []  # steps that did nothing: logged together, in one transaction
        left_out = []
        for step in self.manifest.steps:
            if self.selection is not None and not self.selection.keeps(step):
                left_out.append(step)
                continue  # not selected: not run, not logged (see defer_audit below)
            runner = STEP_RUNNERS.get(step.kind)
            self.context.retried.clear()
            outcome = runner(self.context, step) if runner else None
            if outcome is None:
                continue
            outcome = self.context.with_retries_told(outcome)
            if outcome.status in (StepStatus.NOTHING_NEW, StepStatus.UP_TO_DATE):
                idle.append(outcome)
            else:
                self._log([*idle, outcome])
                idle = []
            outcomes.append(outcome)
            self.on_step(outcome)
        self._log(idle)
        if not any(o.kind is StepKind.LOAD and o.status is FAILED for o in outcomes):
            self.context.pass_over_let_through()  # what --allow-partial let through is not asked again
        for step in left_out:  # once every parent has run: one built after the model counts too
            if step.kind is StepKind.CHECK:
                defer_audit(self.context, step)
        if any(o.kind is StepKind.BUILD and o.status in (OK, WARNED) for o in outcomes):
            # the state rows this run's builds left behind: the next run finds none
            self.context.execute(lambda: self.state.prune(self.conn))
        return outcomes

    def _log(self, outcomes: list[StepOutcome]) -> None:
        """The steps' run_log rows, retried like a step on a dropped connection (a retry replaces
        rows a commit whose answer was lost did write)."""
        attempts = [0]

        def attempt() -> None:
            attempts[0] += 1
            self.state.log_all(outcomes, replace=attempts[0] > 1)

        if outcomes:
            self.context.execute(attempt)


class StepError(EltError):
    """A step that failed (its outcome says why); `outcome.transient` tells weather from data."""

    def __init__(self, outcome: StepOutcome):
        super().__init__(f"{outcome.step}: {outcome.error or outcome.status}")
        self.outcome = outcome


def setup_warehouse(manifest: Manifest, conn: Session) -> None:
    """What an orchestrator runs once per run, upstream of every load: schemas, tables, upgrades
    (the steps then skip it: 40 tasks need not each commit 20 idempotent statements, nor race
    on CREATE … IF NOT EXISTS at a first deploy), and the state rows the last run's builds left
    behind pruned (no build runs beside it)."""
    ensure_tables(conn, manifest)
    RunState(manifest, conn, "setup").prune(conn)


def run_one_step(
    manifest: Manifest, conn: Session, lake: Lake, options: RunOptions, step_id: str, ensure: bool = True
) -> StepOutcome:
    """One step on its own, as an orchestrator task runs it: a load loads what the ledger lacks; a
    build rebuilds when an input changed since its last build (the counters it consumed, not
    the other tasks of the run, which it cannot see), its definition changed or it never built,
    else it is up to date, as `elt run` says; a check checks, unless its model's build in this
    run was up to date (its checks keep their verdict). Setup and tables are ensured first
    unless `ensure` is off (a setup task ran them). Raises StepError when the step fails."""
    step: StepInfo | None = manifest.step(step_id)
    if step is None or step.kind not in STEP_RUNNERS:
        raise ConfigError(f"no load, build or check step {step_id!r} in the manifest of {manifest.pipeline.name}")
    live = ensure_tables(conn, manifest) if ensure else None
    context = RunContext(
        manifest,
        conn,
        lake,
        options,
        Scheduler(full=options.full),
        RunState(manifest, conn, new_run_id(), options.origin),
    )
    context.state.live = live
    if step.kind in (StepKind.BUILD, StepKind.LOAD):  # what each model had consumed; a model's table shape
        context.built = context.state.built()
        context.scheduler.built, context.scheduler.shapes = context.built.fingerprints, context.built.shapes
    spec = manifest.spec(step.spec or "")
    if step.kind is StepKind.BUILD and spec is not None:
        for name in inputs_changed_since_last_build(context, spec):
            context.scheduler.mark_changed(name)
    outcome: StepOutcome | None
    if step.kind is StepKind.CHECK and spec is not None and _built_up_to_date(context, spec):
        outcome = StepOutcome(step.id, UP_TO_DATE, 0.0, kind=step.kind, detail="its model is up to date")
    else:
        if step.kind is StepKind.CHECK and step.spec:
            context.scheduler.mark_changed(step.spec)  # its build task ran before it
        outcome = STEP_RUNNERS[step.kind](context, step)
    assert outcome is not None  # a load, a build and a wanted check always report
    outcome = context.with_retries_told(outcome)
    attempts = [0]

    def log() -> None:  # retried on a dropped connection, as the step is
        attempts[0] += 1
        context.state.log(outcome, replace=attempts[0] > 1)

    # a task run again in its DAG run (a retry after a commit, a cleared task) whose step has
    # nothing left to do keeps the row of the attempt that did it: a build up to date, a load
    # with nothing new after one that loaded (adversarial round 52: its row said it loaded nothing)
    logged = context.state.logged_steps().get(step.id)
    kept = logged is not None and (
        outcome.status is UP_TO_DATE or (outcome.status is StepStatus.NOTHING_NEW and logged[0] != str(FAILED))
    )
    if not kept:
        context.execute(log)
    if outcome.status is StepStatus.FAILED:
        raise StepError(outcome)
    return outcome


def _built_up_to_date(context: RunContext, spec: SpecInfo) -> bool:
    """Whether this run's build of `spec` found it up to date (its checks then keep their last
    verdict, as in `elt run`), and no parent its relationships checks read was rebuilt in this
    run (the model's rows may dangle: the checks say so)."""
    logged = context.state.logged_steps()
    built = logged.get(id_of_step(StepKind.BUILD, spec.name))
    if built is None or built[0] != str(UP_TO_DATE):
        return False
    parents = [logged.get(id_of_step(StepKind.BUILD, parent), ("",))[0] for parent, _ in spec.check_parents]
    return all(status in ("", str(UP_TO_DATE)) for status in parents)


def run_pipeline(
    root: str,
    settings: TargetSettings,
    options: RunOptions,
    on_step: Callable[[StepOutcome], None] | None = None,
    on_batch: Callable[[str, int, int], None] | None = None,
) -> RunResult:
    """Run the pipeline at `root` on the target `settings` resolve (framework.settings).
    A backlog that SCD2 history must see batch by batch (RunContext.history_backlog) is run one
    batch at a time, as the DAG's daily runs would have: `on_batch(batch, n, of)` before each;
    each outcome names the run that took it (the result's run id is the last run's)."""
    from framework.run.cache import manifest_for
    from framework.run.warehouses import claim_warehouse, open_warehouse

    started = time.perf_counter()
    manifest, compiled = manifest_for(root, settings)
    selection = options.selection.resolve(manifest) if options.selection else None  # before any connection
    opened = open_warehouse(settings, wait_seconds=options.wait_seconds)
    options = dataclasses.replace(options, iam_role=options.iam_role or opened.iam_role, retry=opened.retry)
    try:
        claim_warehouse(opened, manifest.pipeline.name, exclusive=True)
        runner = Runner(manifest, opened.session, opened.lake, options, on_step, selection)
        runner.prepare()
        held = runner.context.held_back(selection)
        if held:  # a partial run without the history a snapshot feeds: it loads up to one snapshot
            options = dataclasses.replace(options, through=held)
            runner = Runner(manifest, opened.session, opened.lake, options, on_step, selection)
            runner.prepare()
        backlog = runner.context.history_backlog(selection)
        outcomes: list[StepOutcome] = []
        ran: list[str] = []  # the backlog's batches run on their own (a failed one stops the rest)
        for number, batch in enumerate(backlog, 1):
            if on_batch is not None:
                on_batch(batch, number, len(backlog) + 1)
            one_batch = dataclasses.replace(options, batch_ts=datetime.datetime.fromisoformat(batch), through=batch)
            runner = Runner(manifest, opened.session, opened.lake, one_batch, on_step, selection)
            outcomes += _taken_by(runner.run(), runner.run_id)
            ran.append(batch)
            if any(o.status is FAILED and o.kind is StepKind.LOAD for o in outcomes):
                break  # a load failed: its files stay pending, and no later batch overtakes them
            # a failed build does not hold the later batches: the DAG's runs of the days after
            # run, and the next build of the model sees them (adversarial round 50)
        else:
            if backlog:  # the rest, as the lake is now: a runner of its own, since the warehouse moved on
                if on_batch is not None:
                    on_batch("", len(backlog) + 1, len(backlog) + 1)
                runner = Runner(manifest, opened.session, opened.lake, options, on_step, selection)
                runner.prepare()
            outcomes += _taken_by(runner.run_steps(), runner.run_id)
        tables = table_rows(manifest, opened.session)
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
        selection.names if selection else None,
        selection.describe(manifest) if selection else "",
        tables,
        tuple(ran),
    )


def _taken_by(outcomes: list[StepOutcome], run_id: str) -> list[StepOutcome]:
    return [dataclasses.replace(o, run_id=run_id) for o in outcomes]


def table_rows(manifest: Manifest, conn: Session) -> dict[str, int]:
    """Every staging and model table's row count (views aside), by the manifest's compiled query:
    the same on every warehouse. A summary only: a warehouse error yields no counts, not a failure."""
    from framework.compile.manifest import InternalQuery
    from framework.errors import WarehouseError
    from framework.execute.steps import run_statement

    statement = next((s for s in manifest.internal if s.purpose == InternalQuery.TABLE_ROWS), None)
    if statement is None:
        return {}
    try:
        rows = run_statement(conn, statement)
    except WarehouseError:
        return {}
    return {name: int(count) for name, count in sorted(rows) if name}
