"""One runner per step kind, chosen from a table: a load, a build, a check. Each takes the run's
context and a manifest step and returns the step's outcome (None: nothing to report); none of
them raises for a failed step — the failure is the outcome, and the scheduler blocks downstream."""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.compile.manifest import InternalQuery, Manifest, SpecInfo, StatementInfo, StepInfo, StepKind, step_id
from framework.compile.selection import Selection
from framework.errors import ConfigError, EltError, KeyCollision, TerminalWarehouseError
from framework.execute.retry import is_transient, with_retries
from framework.execute.session import Reconnects, Session
from framework.execute.steps import StepFailed, StepResult, execute_step, run_statement
from framework.lake import BatchRecord, Lake, LakeFile, batch_date_of, lake_key, latest_versions
from framework.run.batches import BatchGate, not_as_ingested
from framework.run.conformance import Misfit, first_misfit, written_for
from framework.run.detect import Pending, pending_files
from framework.run.options import LATEST_BATCH, RunOptions
from framework.run.outcome import CheckOutcome, StepOutcome, StepStatus
from framework.run.scheduler import Scheduler
from framework.run.shapes import by_shape, lake_columns
from framework.run.state import (
    BuiltState,
    Drift,
    LastBuild,
    RunState,
    narrowed_texts,
    nullable_columns,
    text_limits,
)
from framework.spec.model import Materialization, SpecKind
from framework.sql.kinds import BATCH_FILES, REJECT_FILES, LoadMethod, since_param

if TYPE_CHECKING:
    from sqlglot import exp


@dataclass
class RunContext:
    """Everything a step runner needs: the plan, where it runs, and the run's shared state."""

    manifest: Manifest
    conn: Session
    lake: Lake
    options: RunOptions
    scheduler: Scheduler
    state: RunState
    # model → its checks' failures, as its build found them (a check step reports them)
    verdicts: dict[str, list[CheckOutcome]] = field(default_factory=dict)
    # what steps of this run may have removed from their tables, per spec: None for any value of
    # any column (a load that brought rows, a build that cannot tell), else (the key column its
    # build recorded changes by, how many keys it lost, whether any row changed)
    removed: dict[str, tuple[str, int, bool] | None] = field(default_factory=dict)
    loaded_through: str = ""  # the latest batch this run's loads read files of
    snapshots: dict[str, str] = field(default_factory=dict)  # snapshot source → the batch it loaded in this run

    def may_dangle(self, parent: str, column: str) -> bool:
        """Whether rows referencing `parent.column` may have lost their parent in this run."""
        if parent not in self.removed:
            return False
        found = self.removed[parent]
        if found is None:
            return True
        key, lost, changed = found
        return lost > 0 if column == key else changed

    selection: Selection | None = None  # a partial run's specs (None: every spec)
    built: BuiltState = field(default_factory=BuiltState)  # the models' latest builds (set by the runner)
    retried: list[str] = field(default_factory=list)  # the transient errors the current step was retried after
    _pending: dict[str, Pending] = field(default_factory=dict)
    _gate: BatchGate | None = None
    _counters: tuple[dict[str, int], dict[str, int]] | None = None
    _failed_builds: tuple[dict[str, datetime.datetime], dict[str, datetime.datetime]] | None = None
    _batch_time: datetime.datetime | None = None
    _records: dict[str, BatchRecord] | None = None
    _marked: frozenset[str] | None = None
    _later: dict[str, list[LakeFile]] = field(default_factory=dict)  # pending files past `through()`

    @property
    def pipeline(self) -> str:
        return self.manifest.pipeline.name

    def through(self) -> str:
        """The latest batch this run may load ('' for any): a run of a backlog's batch on its own
        (`RunOptions.through`) sees the lake as it was then; a later batch waits for its run."""
        return self.options.through

    def pending(self, source: str) -> Pending:
        if source not in self._pending:
            found = pending_files(self.conn, self.manifest, self.lake, source)
            through = self.through()
            if through and any(f.batch_date > through for f in found.new):
                self._later[source] = [f for f in found.new if f.batch_date > through]
                found.new = [f for f in found.new if f.batch_date <= through]
            self._pending[source] = found
        return self._pending[source]

    def history_backlog(self, selection: Selection | None = None) -> list[str]:
        """The batches, oldest first, to run one at a time before the rest: a snapshot source's
        pending deliveries but its latest, when an SCD2 model reads it (directly or through other
        models). One run over them loads the latest snapshot only, and the history would never
        show what the others did — a key gone for a day, a value held for a day — as the DAG's
        daily runs show it. Only a run that picks its own batch time (no --batch-date) does this —
        a run of one batch has its batch's, and does not recurse; a partial run held back
        (`held_back`) splits what it may load (adversarial round 50); --full reloads as of now."""
        if self.options.batch_ts is not LATEST_BATCH or self.options.full:
            return []
        chosen = (lambda name: name in selection) if selection is not None else (lambda name: True)
        upstream = _upstream(self.manifest)
        read = {
            name
            for spec in self.manifest.specs
            if spec.keeps_history and chosen(spec.name)
            for name in upstream[spec.name]
        }
        snapshots = [s.name for s in self.manifest.specs if s.snapshot and s.name in read and chosen(s.name)]
        if not snapshots:
            return []
        pending = {f.batch_date for name in snapshots for f in self.pending(name).new}
        # a snapshot loaded before that an SCD2 reader has not been built from (a run killed after the
        # load, or one that left the reader out): its batch runs first, before a new one replaces it
        behind = {
            self.pending(name).newest_rows
            for name in snapshots
            if self.pending(name).new and self.pending(name).newest_rows and self._unseen(name, chosen)
        }
        if not pending and not behind:  # an idle run reads no batch record
            return []
        gate = self.gate()
        admitted = sorted(batch for batch in pending if gate.admits(batch))
        others = {
            f.batch_date
            for spec in self.manifest.specs
            if spec.kind is SpecKind.SOURCE and chosen(spec.name)
            for f in self.pending(spec.name).new
            if gate.admits(f.batch_date)
        }
        # the latest snapshot runs on its own too when a later batch of another source would set the
        # run's batch time (a deletion it shows is dated by its own batch, as a daily run dates it);
        # and when a later batch waits for an incomplete one: the run over the rest would load the
        # admitted ones and build nothing that reads them
        last_alone = admitted and (len(admitted) < len(pending) or max(others) > admitted[-1])
        alone = admitted if last_alone else admitted[:-1]
        return sorted(behind | set(alone))

    def held_back(self, selection: Selection | None) -> str:
        """The latest batch a partial run may load ('' for any): a run that loads a snapshot source
        but cuts an SCD2 model reading it off — leaves it out, or a model between them — would
        replace a snapshot that model never sees. It loads no batch past the oldest pending one of
        any snapshot source the model reads (selected or not: their snapshots are seen together),
        and none past one the model has not seen yet; the next run that builds the model sees
        them batch by batch (adversarial rounds 45 and 49)."""
        if selection is None or self.options.batch_ts is not LATEST_BATCH or self.options.full or self.options.through:
            return ""
        upstream = _upstream(self.manifest)
        snapshots = [s.name for s in self.manifest.specs if s.snapshot]
        bounds = []
        for reader in (s.name for s in self.manifest.specs if s.keeps_history):
            inputs = [name for name in snapshots if name in upstream[reader]]
            starved = bool(self.left_behind(reader, selection))  # built without some of its snapshots
            loading = [
                name
                for name in inputs
                if name in selection
                and self.pending(name).new
                and (starved or _cut_off(reader, name, selection, upstream))
            ]
            if not loading:
                continue
            candidates = [
                min(f.batch_date for f in self.pending(name).new) for name in inputs if self.pending(name).new
            ]
            for name in inputs:  # a snapshot the model has not seen: nothing later loads before it does
                current = self.pending(name).newest_rows
                if current and self.unseen_readers(name, {reader}.__contains__, holding=True):
                    candidates.append(current)
            bounds.append(min(candidates))
        return min(bounds, default="")

    def left_behind(self, model: str, selection: Selection | None = None) -> list[str]:
        """The snapshot sources an SCD2 model reads that this partial run does not load though
        deliveries of them are pending: built now, its history would pair their old snapshots
        with the new ones of its other inputs (adversarial round 50). [] outside partial runs."""
        selection = selection if selection is not None else self.selection
        spec = self.manifest.spec(model)
        if selection is None or spec is None or not spec.keeps_history:
            return []
        upstream = _upstream(self.manifest)
        return [
            s.name
            for s in self.manifest.specs
            if s.snapshot and s.name in upstream[model] and s.name not in selection and self.pending(s.name).new
        ]

    def _unseen(self, source: str, chosen: Callable[[str], bool]) -> bool:
        return bool(self.unseen_readers(source, chosen, holding=True))

    def unseen_readers(
        self, source: str, chosen: Callable[[str], bool], latest: int | None = None, *, holding: bool = False
    ) -> list[str]:
        """The SCD2 models reading `source`, directly or through other models (and chosen), not
        built from its load `latest` (default: its latest): built before it, or never built since a
        run loaded it (adversarial round 47: a first partial run, or a first run killed after its
        loads). `holding`: for holding snapshots back — a model whose latest build failed after
        the source's latest load is not waited for: its batch run again fails again on the same
        data, while daily runs move on, the load saying what the model missed (adversarial rounds
        49 and 50)."""
        latest = self.load_seqs().get(source, 0) if latest is None else latest
        if not latest:
            return []
        upstream = _upstream(self.manifest)
        readers = [
            spec.name
            for spec in self.manifest.specs
            if spec.keeps_history
            and chosen(spec.name)
            and source in upstream[spec.name]
            and self._behind(spec.name, source, latest, upstream)
        ]
        if readers and holding:
            failed, loaded = self._failures()
            readers = [
                name for name in readers if not (name in failed and failed[name] >= loaded.get(source, failed[name]))
            ]
        return sorted(readers)

    def _failures(self) -> tuple[dict[str, datetime.datetime], dict[str, datetime.datetime]]:
        """(model → when its latest build failed, source → when it last loaded), read once per
        run, when it matters."""
        if self._failed_builds is None:
            self._failed_builds = (self.state.failed_builds(), self.state.last_loaded())
        return self._failed_builds

    def _behind(self, model: str, source: str, latest: int, upstream: dict[str, set[str]]) -> bool:
        """Whether `model`'s latest build missed `source`'s load `latest`: it consumed less of the
        source, or of a model between them, than there is, or that model missed it in turn."""
        last = self.built.last.get(model)
        spec = self.manifest.spec(model)
        if spec is None:
            return True
        if last is None:  # never built since the source was loaded
            return True
        for name in spec.depends_on:
            if name == source:
                if last.consumed.get(source, 0) < latest:
                    return True
            elif source in upstream.get(name, ()):
                between = self.built.last.get(name)
                if between is None or last.consumed.get(name, 0) < between.seq:
                    return True
                if self._behind(name, source, latest, upstream):
                    return True
        return False

    def snapshot_batch(self, source: str) -> str:
        """The batch of the snapshot a snapshot source's table holds ('' when none is known)."""
        return self.snapshots.get(source) or self.pending(source).newest_rows

    def later(self, source: str) -> str:
        """What of `source` waits for a later batch's run ('' when nothing does)."""
        files = self._later.get(source, [])
        if not files:
            return ""
        batches = sorted({f.batch_date for f in files})
        named = batches[0] if len(batches) == 1 else f"{batches[0]} … {batches[-1]}"
        return (
            f"{len(files)} file(s) of batch {named} wait for the run of their batch (this one runs batch "
            f"{self.through()})"
        )

    def load_seqs(self) -> dict[str, int]:
        """Each source's latest load counter (updated as this run loads)."""
        return self._read_counters()[0]

    def whole_builds(self) -> dict[str, int]:
        """Each model's latest build that rewrote its whole table (updated as this run builds)."""
        return self._read_counters()[1]

    def _read_counters(self) -> tuple[dict[str, int], dict[str, int]]:
        if self._counters is None:
            self._counters = self.state.seqs()
        return self._counters

    def batch_time(self) -> datetime.datetime:
        """The run's batch time: --batch-date or the DAG run's logical date; without one, the
        latest batch this run may load (complete, or let through by --allow-partial), at its
        midnight — as the DAG run of that date has it, so `elt run` builds the history the DAG
        builds from the same deliveries — and now only when the lake holds no such batch."""
        if self.options.batch_ts is not LATEST_BATCH:
            return self.options.batch_ts
        if self._batch_time is None:
            gate = self.gate()
            records = self.batch_records()
            if self.selection is not None:  # a partial run's batches: those of the sources it loads
                sources = {
                    s.name for s in self.manifest.specs if s.kind is SpecKind.SOURCE and s.name in self.selection
                }
                records = {batch: r for batch, r in records.items() if _holds(r, sources)}
            loadable = [
                batch
                for batch, record in records.items()
                if (record.complete or batch in self.options.allow_partial) and gate.admits(batch)
            ]
            self._batch_time = (
                datetime.datetime.fromisoformat(max(loadable))
                if loadable
                else datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
            )
        return self._batch_time

    def batch_records(self) -> dict[str, BatchRecord]:
        """The lake's batch records, read once per run (the gate and the batch time both use them)."""
        if self._records is None:
            through = self.through()
            records = self.lake.batch_records(self.pipeline)
            self._records = {batch: r for batch, r in records.items() if not through or batch <= through}
        return self._records

    def gate(self) -> BatchGate:
        """Decided once per run, over the pending files of every source: batches load whole, in order."""
        if self._gate is None:
            sources = {s.name: self.pending(s.name) for s in self.manifest.specs if s.kind is SpecKind.SOURCE}
            pending = {f.batch_date for p in sources.values() for f in p.new}
            there = {f.key: f for p in sources.values() for f in p.everything()}
            loaded = {key for p in sources.values() for key in (*(f.key for f in p.loaded), *p.missing)}
            loaded |= {f.key for p in sources.values() for f, _ in p.changed}
            records = self.batch_records()
            through = max((batch_date_of(key) for key in loaded), default="")
            self._gate = BatchGate.of(
                records,
                pending,
                self.options.allow_partial,
                not_as_ingested(records, there, loaded, set(sources)),
                loaded_through=through,
                marked=self.marked_incomplete(),
            )
        return self._gate

    def marked_incomplete(self) -> frozenset[str]:
        """The batches whose latest ingest refused a file, no run having passed them over (their
        marks, listed once per run): loaded before the refusal or not, they withhold what
        follows them (adversarial round 41)."""
        if self._marked is None:
            through = self.through()
            marked = self.lake.incomplete_batches(self.pipeline)
            self._marked = frozenset(batch for batch in marked if not through or batch <= through)
        return self._marked

    def pass_over_let_through(self) -> None:
        """The marks of the incomplete batches this run let through (--allow-partial) go: the
        runs after it do not ask again (the record still names what the batch lacks)."""
        if self._gate is None:
            return
        for batch in sorted(self._gate.let_through & self.marked_incomplete()):
            self.lake.pass_over(self.pipeline, batch)

    def withheld(self, source: str) -> str:
        """Why a batch with something of `source` no run loaded — a lake file gone or damaged, a
        file refused at ingest — may not load, or ''. Read the batch records only when a batch is
        unaccounted for (no file of it in the ledger or pending): an idle run lists their names
        and reads none."""
        specs = [s.name for s in self.manifest.specs if s.kind is SpecKind.SOURCE]
        if any(self.pending(name).new for name in specs):  # a load decides the gate anyway: another
            return self.gate().withholds(source)  # source's files may account for the refused batch
        known = {f.batch_date for name in specs for f in self.pending(name).everything()}
        known |= {batch_date_of(key) for name in specs for key in self.pending(name).missing}
        through = self.through()
        unaccounted = {
            batch for batch in self.lake.batch_dates(self.pipeline) if not through or batch <= through
        } - known
        if not unaccounted and not self.marked_incomplete():
            return ""
        return self.gate().withholds(source)

    def execute(self, action: Callable[[], Any]) -> Any:
        """A step on a remote warehouse is retried whole on transient errors (after reconnecting)."""

        def reconnect(err: BaseException, attempt: int) -> None:
            self.retried.append(_reason(err))
            if isinstance(self.conn, Reconnects):
                self.conn.reconnect()

        return with_retries(action, self.options.retry, before_retry=reconnect)

    def with_retries_told(self, outcome: StepOutcome) -> StepOutcome:
        """The step's outcome, its detail naming the transient errors it was tried again after
        (a retry that succeeded leaves its trace in the run output and run_log); then forgotten."""
        if not self.retried:
            return outcome
        told = "; ".join(f"tried again after: {error[:200]}" for error in self.retried)
        self.retried.clear()
        return dataclasses.replace(outcome, detail="; ".join(part for part in (outcome.detail, told) if part))


def _holds(record: BatchRecord, sources: set[str]) -> bool:
    """Whether a batch record lists a file of one of `sources` (written or refused)."""
    return any(key.split("/")[1] in sources for key, _, _ in record.files) or any(
        source in sources for _, _, source in record.failed
    )


def _cut_off(reader: str, source: str, selection: Selection, upstream: dict[str, set[str]]) -> bool:
    """Whether a run of `selection` builds `reader` without what it reads of `source`: the reader
    is left out, or a model between them is."""
    between = (name for name, above in upstream.items() if source in above and name in upstream[reader])
    return reader not in selection or any(name not in selection for name in between)


def _upstream(manifest: Manifest) -> dict[str, set[str]]:
    """Each spec's inputs, direct or not (the specs come in graph order: an input's are known)."""
    upstream: dict[str, set[str]] = {}
    for spec in manifest.specs:
        upstream[spec.name] = set(spec.depends_on).union(*(upstream.get(d, set()) for d in spec.depends_on))
    return upstream


def _outcome(step: StepInfo, status: StepStatus, seconds: float = 0.0, **figures: Any) -> StepOutcome:
    return StepOutcome(step.id, status, seconds, kind=step.kind, **figures)


def _failed(step: StepInfo, started: float, err: BaseException) -> StepOutcome:
    return _outcome(
        step, StepStatus.FAILED, time.perf_counter() - started, error=_reason(err), transient=is_transient(err)
    )


def _reason(err: BaseException) -> str:
    """One line. Our errors say what happened (a driver's, mapped, keeps its class name and
    words); anything else is named by its class."""
    text = str(err) if isinstance(err, EltError) else f"{type(err).__name__}: {err}"
    return " ".join(text.split())


# -- loads ----------------------------------------------------------------------------------------
def run_load(ctx: RunContext, step: StepInfo) -> StepOutcome:
    started = time.perf_counter()
    source = step.spec or ""
    spec = ctx.manifest.spec(source)
    assert spec is not None, step.id  # the compiler pairs every load step with its source
    pending = ctx.pending(source)
    # the table reloaded from the lake whole, as a fresh warehouse would load it: asked for, or
    # a table the ledger does not describe (its layer's schema changed, and it is there from before)
    moved_from = ctx.built.moved_from(spec)
    reload = ctx.options.full or moved_from is not None
    if reload and pending.missing:
        return _refused(
            ctx,
            step,
            started,
            "its reload was refused",
            f"{len(pending.missing)} file(s) the ledger records as loaded are no longer in the lake (first: "
            f"{pending.missing[0]}): reloading {spec.table} from the lake would lose their rows, so it keeps them",
        )
    if not reload and _elsewhere(ctx, pending):
        return _refused(
            ctx,
            step,
            started,
            "its load was refused",
            f"the lake holds nothing of pipeline {ctx.pipeline}, yet this warehouse loaded {len(pending.missing)} "
            f"file(s) of {source} from its lake (first: {pending.missing[0]}): is this the lake it was loaded from? "
            "Check --lake, or the target's lake (a lake not mounted would pass every delivery over)",
        )
    if pending.changed and not reload:
        lake_file, was = pending.changed[0]
        return _refused(
            ctx,
            step,
            started,
            "its load was refused",
            f"{lake_file.path} changed after it was loaded (checksum {was[:12]}… now {lake_file.checksum[:12]}…); "
            "a loaded file is never reloaded: deliver corrections as a new file or batch (or reload the source "
            f"from the lake as it is now: `elt run --full --select {source}+`)",
        )
    kept_by = ctx.built.shapes.get(source)  # the rule its staged rows were kept by (None: not recorded yet)
    if kept_by is not None and kept_by != spec.table_shape and not reload and (pending.new or pending.loaded):
        return _refused(
            ctx,
            step,
            started,
            "its load was refused",
            "its primary_key or load_mode changed since its rows were loaded: "
            f"{spec.table} kept them by the rule before, so loading more would not equal a load from scratch. "
            f"Reload it from the lake under the new rule: `elt run --full --select {source}+`",
        )
    drift = ctx.state.drift(spec)
    required = [c.name for c in spec.columns if c.name in drift.missing and not c.nullable]
    if required and not reload:  # the rows staged before have no value for it
        return _refused(
            ctx,
            step,
            started,
            "no longer matches its table",
            f"{spec.table} lacks column(s) {', '.join(required)}, which the source spec declares nullable: false: "
            "the rows staged before have no value for it. Declare it `nullable: true` (those rows stay NULL), or "
            f"ingest the earlier deliveries again with the column, then `elt run --full --select {source}+`",
        )
    additions = None if reload else _in_place(step, drift)
    recorded = ctx.built.text_limits.get(source)
    narrowed = narrowed_texts(recorded, text_limits(spec)) if recorded is not None and not reload else []
    # DuckDB keeps no VARCHAR length: the limit its rows were loaded under is recorded. Refused
    # here also when the same edit adds a column (a drift the load would follow in place); any
    # other drift is refused below, and the reload it asks for checks the limits too
    if narrowed and (not drift or additions is not None):
        return _refused(
            ctx,
            step,
            started,
            "no longer matches its table",
            f"{spec.table} column(s) {', '.join(narrowed)} were loaded under a longer string limit than the source "
            "spec declares now: rows staged before may not fit. Reload the table from the lake under the new spec "
            f"(a value that does not fit is named): `elt run --full --select {source}+`",
        )
    was_nullable = ctx.built.nullable.get(source)
    tightened = sorted(was_nullable - nullable_columns(spec)) if was_nullable is not None and not reload else []
    tightened = [name for name in tightened if any(c.name == name for c in spec.columns)]
    if tightened and (not drift or additions is not None):  # no warehouse says so: its rows were loaded nullable
        return _refused(
            ctx,
            step,
            started,
            "no longer matches its table",
            f"{spec.table} column(s) {', '.join(tightened)} were loaded while the source spec let them hold NULL, "
            "and it declares them nullable: false now: rows staged before may hold NULL. Reload the table from the "
            f"lake under the new spec (a NULL is named with its file and row): `elt run --full --select {source}+`",
        )
    if drift and additions is None and not reload:  # a column removed, renamed or retyped: the staged history has it
        return _refused(
            ctx,
            step,
            started,
            "no longer matches its table",
            f"{spec.table} {drift}: a staging table keeps every row loaded, so it follows its source spec in "
            "place only for new columns (added, NULL in the rows before). Declare the column as it was, or "
            f"reload the table from the lake under the new spec: `elt run --full --select {source}+` (see "
            "`elt plan --compare`)",
        )
    if not pending.new and not (reload and pending.everything()):
        withheld = ctx.withheld(source)  # a delivery gone, damaged or refused is never passed over
        if withheld:
            return _outcome(step, StepStatus.FAILED, time.perf_counter() - started, error=withheld)
        passed = [n for src, n in ctx.gate().passed_over if src == source] if ctx.options.allow_partial else []
        later = [ctx.later(source)] if ctx.later(source) else []
        return _outcome(
            step,
            StepStatus.NOTHING_NEW,
            time.perf_counter() - started,
            detail="; ".join(["no new files", *passed, *later]),
        )
    gate = ctx.gate()
    admitted = [f for f in pending.new if gate.admits(f.batch_date)]
    if len(admitted) < len(pending.new):  # the rest waits for its batch to be complete
        ctx.scheduler.block(source, "waits for an incomplete batch")
    if not admitted and not reload:
        return _outcome(step, StepStatus.FAILED, time.perf_counter() - started, error=gate.reason)
    files = pending.everything(admitted) if reload else admitted
    seq = _next_load(ctx, source)  # what models downstream compare their consumed counter with
    try:  # reads each file's row count from its footer: a damaged file fails its source, not the run
        ledger = {f.path: ctx.state.ledger_row(ctx.lake, source, f, ctx.batch_time(), seq) for f in files}
    except Exception as err:
        ctx.scheduler.block(source, "its load failed")
        return _failed(step, started, err)
    if spec.snapshot:
        rows = {f.path: int(ledger[f.path]["row_count"]) for f in files}
        plan = _snapshot_plan(spec, files, rows, "" if reload else pending.newest_rows)
        if reload and plan.kept:  # no snapshot of the history has rows: a fresh load leaves the table empty
            plan = _LoadPlan(plan.load, plan.superseded, plan.batch)
    else:
        plan = _LoadPlan(files, [])
    # a batch an earlier run loaded part of (more of its files were ingested since) is read whole,
    # as one load of all its files reads it: its loaded files again, not recorded again
    batches = {n.batch_date for n in plan.load}
    reread = [] if reload or plan.kept else [f for f in pending.loaded if f.batch_date in batches]
    if spec.snapshot:  # a snapshot is its batch's files as last delivered: a corrected file replaces its first version
        reread, plan = _corrected(reread, plan)
    consumed = [ledger[f.path] for f in plan.superseded]
    rejects = _reject_files(ctx, source, plan.load)
    gone = [] if reload or plan.kept else [k for k in pending.missing if batch_date_of(k) in batches]
    if gone:  # reading the batch whole again without it would lose its rows
        return _refused(
            ctx,
            step,
            started,
            "its load was refused",
            f"batch {batch_date_of(gone[0])} is loaded whole again (more of its files arrived), but lake file "
            f"{gone[0]}, which an earlier run loaded from it, is no longer in the lake: its rows would be lost, so "
            "nothing loads — restore it (`elt ingest` of that delivery again re-creates it)",
        )
    reading = sorted([*plan.load, *reread], key=lambda f: f.key)
    rewritten = reload or bool(reread)  # readers rebuild whole: rows of the batch were rewritten
    if plan.kept:
        for row in ledger.values():  # the table keeps its rows: nothing downstream has to recompute
            row["load_seq"] = seq - 1
        return _keep_snapshot(
            ctx, step, started, plan, [ledger[f.path] for f in (*plan.load, *plan.superseded)], rejects
        )
    attempts = 0
    loading = step  # as compiled, or with a COPY per shape of files (see framework/run/shapes.py)

    def attempt() -> StepResult:
        nonlocal attempts
        attempts += 1
        if attempts > 1 and not reload:  # a reload is idempotent: it forgets and rewrites the same records
            recorded = _recorded_since(ctx, step, [*plan.load, *plan.superseded], ledger)
            if recorded is not None:
                return recorded
        try:
            return execute_step(
                ctx.conn,
                loading,
                params,
                files=[ledger[f.path] for f in plan.load],
                in_transaction=lambda conn: _consume(ctx, conn, step, source, consumed, seq if rewritten else None),
                # a reload's table and records made anew; else the columns the source gained, added in
                # the load's transaction
                prelude=_reload_prelude(ctx, step, bool(drift)) if reload else additions or (),
                then=step.rejects if rejects else (),
            )
        except (KeyCollision, StepFailed):
            # another run's load of the same files committed while this one ran (its ledger or
            # staging keys met ours, or a guard saw its rows; this transaction rolled back): the
            # ledger says whether they are loaded; if not, the failure is this load's own
            recorded = None if reload else _recorded_since(ctx, step, [*plan.load, *plan.superseded], ledger)
            if recorded is None:
                raise
            return dataclasses.replace(recorded, reports={**recorded.reports, "recorded_by_another": 1})

    try:
        columns = lake_columns(spec)
        # files of another spec's shape, or written before shape tags: their Arrow schemas decide
        schemas = (
            None if written_for(ctx.lake, reading, columns) else {f.path: ctx.lake.schema(f.path) for f in reading}
        )
        misfit = first_misfit(ctx.lake, reading, columns, schemas) if schemas else None
        if misfit is not None:
            return _refused(ctx, step, started, "its load was refused", _misfit_message(misfit, source))
        params = {**_load_params(ctx, step, reading, rejects), "load_seq": seq}  # the rows' _load_seq
        shaped = by_shape(step, spec, reading, schemas, ctx.lake, ctx.manifest.target, ctx.pipeline, ctx.state.run_id)
        if shaped is not None:
            loading, by_group = shaped
            params.update(by_group)
        result = ctx.execute(attempt)
    except Exception as err:  # a vanished file, a bad file, a full disk: this source fails, the rest go on
        ctx.scheduler.block(source, "its load failed")
        damaged = _damaged(ctx, reading)
        if damaged:
            return _outcome(step, StepStatus.FAILED, time.perf_counter() - started, error=damaged)
        return _failed(step, started, err)
    unseen = _history_unseen(ctx, spec, seq) if spec.snapshot and not reload else ""
    if spec.snapshot and plan.batch:
        ctx.snapshots[source] = plan.batch
    ctx.load_seqs()[source] = seq
    ctx.loaded_through = max([ctx.loaded_through, *(f.batch_date for f in reading)])
    if rewritten:
        ctx.whole_builds()[source] = seq
    read, kept = result.reports.get("rows_read", 0), result.reports.get("rows_kept", 0)
    if kept or spec.snapshot or reload:  # a snapshot or a reload replaced the table, even with fewer (or no) rows
        ctx.scheduler.mark_changed(source)
        ctx.removed[source] = None
    inserted = result.affected.get("INSERT", 0) + result.affected.get("MERGE", 0)
    detail = (
        (f"its table moved from {moved_from}: " if moved_from else "")
        + ("reloaded from the lake: " if reload else "")
        + f"{len(plan.load)} file(s), {read:,} row(s)"
        + (f", {read - kept:,} duplicate key(s) dropped" if read != kept else "")
    )
    if additions:
        detail += f"; column(s) {', '.join(drift.missing)} added to the table (the source declares them)"
    if plan.superseded:
        detail += f"; the latest snapshot (batch {plan.batch}) replaced {len(plan.superseded)} other pending file(s)"
    if reread:
        again = ", ".join(sorted({f.batch_date for f in reread}))
        detail += f"; batch {again} loaded whole again with the {len(reread)} file(s) of it an earlier run loaded"
    conflicting = int(result.reports.get("conflicting_keys") or 0)
    conflict_rows = int(result.reports.get("rows_rejected") or 0)
    if conflicting:  # keep_last or reject: the run says what happened, naming up to three keys
        named = [str(result.reports[f"conflict_{i}"]) for i in (1, 2, 3) if result.reports.get(f"conflict_{i}")]
        outcome = (  # on_conflict: reject reports the rows it rejected
            f"their {conflict_rows:,} row(s) rejected (see the rejects table)"
            if "rows_rejected" in result.reports
            else "the latest kept"
        )
        detail += f"; {conflicting:,} primary key(s) delivered with differing rows, {outcome}: {', '.join(named)}" + (
            " …" if conflicting > len(named) else ""
        )
    if result.reports.get("recorded_by_another"):
        detail += "; another run loaded the same files at the same time: this load wrote nothing (none twice)"
    elif result.reports.get("recorded_before"):
        detail += "; the ledger recorded them when the step was retried: the earlier attempt's commit went through"
    loaded = {f.batch_date for f in plan.load}
    detail += "".join(f"; {note}" for note in gate.partial if any(f"batch {b} " in note for b in loaded))
    if ctx.later(source):
        detail += f"; {ctx.later(source)}"
    waiting = len(pending.new) - len(admitted)
    # the batches before a refused one loaded; it still fails the load, as a run with nothing
    # else new does: a backlog run ending at a refused delivery is never green
    error = f"{waiting} file(s) not loaded: {gate.reason}" if waiting else ctx.withheld(source)
    if unseen:
        detail += f"; {unseen}"
    return _outcome(
        step,
        StepStatus.FAILED if error else StepStatus.WARNED if conflicting or unseen else StepStatus.OK,
        time.perf_counter() - started,
        rows_inserted=inserted,
        rows_rejected=sum(rows for _, rows in rejects) + conflict_rows,
        seq=seq,
        detail=detail,
        error=error,
    )


def _history_unseen(ctx: RunContext, spec: SpecInfo, seq: int) -> str:
    """A snapshot replaced while an SCD2 model reading it was never built from the one before (it
    was left out of a run, or its build failed): its history never sees what that snapshot showed
    — said, never silent ('' when every such reader saw it)."""
    missed = ctx.unseen_readers(spec.name, lambda name: True, latest=seq - 1)
    if not missed:
        return ""
    return (
        f"{', '.join(missed)} never built from the snapshot this one replaces (left out of a run, or its build "
        "failed): its history misses what that snapshot showed; build it with each snapshot (a run that does "
        "not leave it out, nor a model between it and the snapshot)"
    )


def _recorded_since(
    ctx: RunContext, step: StepInfo, files: list[LakeFile], ledger: dict[str, dict[str, Any]]
) -> StepResult | None:
    """Before a load is tried again (after a transient error): whether its files are in the ledger
    now. A commit whose answer was lost (the connection dropped during COMMIT) did load them, and a
    second try would load every row twice; so the ledger is read again, in the new session.
    Every file recorded: the step is done (its counts from the ledger). Some: another run loaded
    them meanwhile, and this plan is stale. None: the earlier attempt wrote nothing; try again."""
    query = ctx.manifest.internal_sql(InternalQuery.LEDGER_FILES)
    rows = run_statement(ctx.conn, query, {"pipeline": ctx.pipeline, "source": step.spec})
    recorded = {lake_key(path): checksum for path, checksum, _, _ in rows}
    ours = [f for f in files if recorded.get(f.key) == f.checksum]
    if not ours:
        return None
    if len(ours) < len(files):
        raise TerminalWarehouseError(
            f"{len(ours)} of the {len(files)} file(s) this load was to record are in the ledger now (first: "
            f"{ours[0].key}): another run loaded them while this step ran; run again to load what is left"
        )
    read = sum(int(ledger[f.path]["row_count"]) for f in files if f.path in ledger)
    return StepResult(step.id, reports={"rows_read": read, "rows_kept": read, "recorded_before": 1})


def _published_before(ctx: RunContext, model: str, seq: int) -> bool:
    """Whether the model state, read again, records build `seq` of `model`: the build committed
    before its connection dropped (a second try would record it twice and, for a merge that
    counts rows, report them twice)."""
    last = ctx.state.built().last.get(model)
    return last is not None and last.seq == seq


def _damaged(ctx: RunContext, files: list[LakeFile]) -> str:
    """After a load failed: a file whose bytes are not what its ingest wrote (hashed again, past
    the lake's size-and-time cache), named with the remedy; '' when every file is as ingested."""
    written = {key: checksum for r in ctx.lake.batch_records(ctx.pipeline).values() for key, _, checksum in r.files}
    for lake_file in ctx.lake.verified(ctx.pipeline, files):
        if lake_file.key in written and written[lake_file.key] != lake_file.checksum:
            return (
                f"lake file {lake_file.key} holds other bytes than its ingest wrote (damaged?): run `elt ingest` "
                "for that delivery again, which re-creates it"
            )
    return ""


def _next_load(ctx: RunContext, source: str) -> int:
    """A load's counter: past the source's latest load, and past what any model has consumed of
    it — a source whose ledger was forgotten (its table dropped outside elt) starts again past
    its readers, so they see every row it loads as new."""
    consumed = [last.consumed.get(source, 0) for last in ctx.built.last.values()]
    return max([ctx.load_seqs().get(source, 0), *consumed]) + 1


def _consume(
    ctx: RunContext,
    conn: Session,
    step: StepInfo,
    source: str,
    consumed: list[dict[str, Any]],
    reloaded: int | None = None,
) -> None:
    """Inside a load's transaction: superseded files recorded, and every model downstream marked
    for a rebuild — if the run stops after this load commits, the next run still rebuilds them.
    A reload (`reloaded`: its counter) is recorded as a whole rewrite: its readers rebuild whole."""
    ctx.state.record_files(conn, consumed)
    ctx.state.invalidate(conn, step.invalidate)
    if reloaded is not None:
        ctx.state.record_whole(conn, source, reloaded)
    spec = ctx.manifest.spec(source)
    # first load, a reload under a new rule, into a table elsewhere, or under other string limits
    if spec is not None and (
        ctx.built.shapes.get(source) != spec.table_shape
        or ctx.built.relations.get(source) != spec.table
        or ctx.built.text_limits.get(source) != text_limits(spec)
        or ctx.built.nullable.get(source) != nullable_columns(spec)
    ):
        ctx.state.record_kept_by(conn, spec)


def _reload_prelude(ctx: RunContext, step: StepInfo, drifted: bool) -> tuple[StatementInfo, ...]:
    """A reload's first statements, in its transaction: the source's ledger and rejects forgotten
    (the load records them again) and its table emptied in place (grants and views on it stay) —
    or, when it no longer matches the spec, dropped and created as the spec is now."""
    forget = (InternalQuery.LEDGER_FORGET, InternalQuery.REJECTS_FORGET)
    return (*(ctx.manifest.internal_sql(q) for q in forget), *(step.recreate if drifted else step.clear))


@dataclass(frozen=True)
class _LoadPlan:
    load: list[LakeFile]  # the files this load reads
    superseded: list[LakeFile]  # consumed without being read: older snapshots of a backlog
    batch: str = ""
    kept: str = ""  # why a snapshot source keeps its rows: nothing pending replaces them


def _corrected(reread: list[LakeFile], plan: _LoadPlan) -> tuple[list[LakeFile], _LoadPlan]:
    """A snapshot batch read without the earlier versions of its corrected files: a new version
    of a landing file (the same path, other bytes) is the sender's correction of it, so a row
    it no longer has is gone from the snapshot. An earlier version pending is consumed unread."""
    _, earlier = latest_versions([*reread, *plan.load])
    if not earlier:
        return reread, plan
    dropped = {id(f) for f in earlier}
    load = [f for f in plan.load if id(f) not in dropped]
    superseded = [*plan.superseded, *(f for f in plan.load if id(f) in dropped)]
    return [f for f in reread if id(f) not in dropped], _LoadPlan(load, superseded, plan.batch, plan.kept)


def _snapshot_plan(spec: SpecInfo, new: list[LakeFile], rows: dict[str, int], loaded: str) -> _LoadPlan:
    """A snapshot source takes its latest pending batch whole; older pending snapshots are
    superseded (a backlog never unions snapshots). The latest with rows, unless the source
    allows an empty snapshot: an empty one does not pass over an older good one of the same
    backlog, as it does not replace one loaded by an earlier run. And a snapshot older than the
    one loaded (`loaded`: its batch date) replaces nothing: a batch delivered late is recorded,
    not loaded. The same snapshot stays loaded however the batches spread over runs."""
    per_batch: dict[str, int] = {}
    for lake_file in new:
        per_batch[lake_file.batch_date] = per_batch.get(lake_file.batch_date, 0) + rows[lake_file.path]
    usable = [b for b, count in per_batch.items() if count or spec.allow_empty_snapshot]
    latest = max(usable) if usable else max(per_batch)
    chosen = [f for f in new if f.batch_date == latest]
    others = [f for f in new if f.batch_date != latest]
    if not usable:
        kept = f"batch {latest} is an empty snapshot ({len(chosen)} file(s), 0 rows)"
        hint = " (set allow_empty_snapshot: true on the source to let an empty snapshot replace them)"
        return _LoadPlan(chosen, others, latest, kept + ": the table keeps its previous rows" + hint)
    if loaded and latest < loaded:
        return _LoadPlan(
            chosen,
            others,
            latest,
            f"batch {latest} is older than the snapshot loaded (batch {loaded}): the table keeps its rows",
        )
    return _LoadPlan(chosen, others, latest)


def _misfit_message(misfit: Misfit, source: str) -> str:
    where = f"lake file {misfit.path} (batch {batch_date_of(misfit.path)}) {misfit.what}"
    if misfit.missing:
        return (
            f"{where}: its rows would load NULL there, so nothing loads. Declare the column `nullable: true` "
            "(the rows of files without it stay NULL), or ingest those deliveries again with the column, then "
            f"`elt run --full --select {source}+`"
        )
    return (
        f"{where}, which the source spec now declares otherwise: a load would change the value or fail, so nothing "
        "loads. Declare the column as the file holds it, or ingest that delivery again under the spec now (ingest "
        f"rejects the rows that do not fit, naming each), then `elt run --full --select {source}+`"
    )


def _elsewhere(ctx: RunContext, pending: Pending) -> bool:
    """The ledger has files of the source, and the lake neither those nor any file or batch record
    of the pipeline: a wrong or unmounted lake, not a source whose old files were deleted."""
    if not pending.missing or pending.loaded or pending.changed or pending.new:
        return False
    return not ctx.lake.batch_dates(ctx.pipeline)


def _refused(ctx: RunContext, step: StepInfo, started: float, blocks: str, error: str) -> StepOutcome:
    """A load that cannot run: it fails saying why, and what reads its source is skipped."""
    ctx.scheduler.block(step.spec or "", blocks)
    return _outcome(step, StepStatus.FAILED, time.perf_counter() - started, error=error)


def _keep_snapshot(
    ctx: RunContext,
    step: StepInfo,
    started: float,
    plan: _LoadPlan,
    rows: list[dict[str, Any]],
    rejects: list[tuple[LakeFile, int]],
) -> StepOutcome:
    """A snapshot that replaces nothing (an empty one, unless the source allows it; one older than
    the snapshot loaded): its files are recorded as consumed (with any rows ingest rejected from
    them), the table keeps its rows, and the run says so."""
    record = StepInfo(step.id, StepKind.LOAD, step.spec, (), True, (), ())
    try:
        params = _load_params(ctx, step, [], rejects)
        ctx.execute(
            lambda: execute_step(
                ctx.conn,
                record,
                params,
                in_transaction=lambda conn: ctx.state.record_files(conn, rows),
                then=step.rejects if rejects else (),
            )
        )
    except Exception as err:
        ctx.scheduler.block(step.spec or "", "its load failed")
        return _failed(step, started, err)
    return _outcome(
        step,
        StepStatus.WARNED,
        time.perf_counter() - started,
        detail=plan.kept,
    )


def _load_params(
    ctx: RunContext, step: StepInfo, new_files: list[LakeFile], rejects: list[tuple[LakeFile, int]]
) -> dict[str, Any]:
    params: dict[str, Any] = {"pipeline": ctx.pipeline, "source": step.spec or "", "run_id": ctx.state.run_id}
    reject_files = [f for f, _ in rejects]
    if step.load_method is LoadMethod.COPY_PARQUET:  # COPY: a manifest lists exactly the files the ledger lacks
        if not ctx.options.iam_role:
            raise ConfigError(
                "no IAM role for COPY: set the environment variable named by the target's iam_role_arn_env"
            )
        source, run_id = step.spec or "", ctx.state.run_id
        if new_files:
            params[BATCH_FILES[1]] = ctx.lake.write_copy_manifest(ctx.pipeline, source, run_id, new_files)
        if reject_files:
            manifest = ctx.lake.write_copy_manifest(ctx.pipeline, source, f"{run_id}.rejects", reject_files)
            params[REJECT_FILES[1]] = manifest
        return {**params, "iam_role": ctx.options.iam_role}
    return {**params, BATCH_FILES[0]: [f.path for f in new_files], REJECT_FILES[0]: [f.path for f in reject_files]}


def _reject_files(ctx: RunContext, source: str, files: list[LakeFile]) -> list[tuple[LakeFile, int]]:
    """The rejects files ingest wrote beside these lake files, with their row counts."""
    found = []
    for lake_file in files:
        name = lake_file.path.replace("\\", "/").rsplit("/", 1)[-1]
        described = ctx.lake.describe(ctx.lake.reject_file(ctx.pipeline, source, lake_file.batch_date, name))
        if described is not None:
            found.append((described, ctx.lake.row_count(described.path)))
    return found


# -- models ---------------------------------------------------------------------------------------
def run_build(ctx: RunContext, step: StepInfo) -> StepOutcome:
    spec = ctx.manifest.spec(step.spec or "")
    assert spec is not None, step.id  # the compiler pairs every build step with its spec
    started = time.perf_counter()
    blocker = ctx.scheduler.blocker(spec)
    if blocker is not None:
        return _outcome(step, StepStatus.SKIPPED, 0.0, detail=f"skipped: {blocker}")
    stale = ctx.left_behind(spec.name)
    if stale:  # its history would pair their old snapshots with the new ones of its other inputs
        why = f"its input(s) {', '.join(stale)} have snapshots pending that this partial run does not load"
        ctx.scheduler.block(spec.name, why)
        return _outcome(step, StepStatus.SKIPPED, 0.0, detail=f"skipped: {why}; the next run that loads them builds it")
    moved_from = ctx.built.moved_from(spec)
    if ctx.scheduler.rebuild_reason(spec) is None and moved_from is None:
        return _outcome(step, StepStatus.UP_TO_DATE, time.perf_counter() - started)
    drift = ctx.state.drift(spec)
    incremental = spec.materialization is Materialization.INCREMENTAL
    additions = _in_place(step, drift) if incremental and not ctx.options.full else None
    # a table its state does not describe (its layer's schema changed, and it is there from
    # before; or its spec was deleted and is back) is made anew whatever its shape: not refused
    came_back = spec.name in ctx.built.removed
    if drift and incremental and not ctx.options.full and additions is None and moved_from is None and not came_back:
        ctx.scheduler.block(spec.name, "no longer matches its table")
        return _outcome(
            step,
            StepStatus.FAILED,
            time.perf_counter() - started,
            error=(
                f"{spec.table} {drift}: its spec changed in a way the table cannot follow in place (see `elt plan "
                f"--compare`). `elt run --full --select {spec.name}` recreates the table and rebuilds it from its "
                "inputs (an incremental model keeps only what its SELECT returns"
                + (
                    f": an SCD2 history only the versions staging can still rebuild — copy {spec.table} first "
                    "to keep the others)"
                    if spec.keeps_history
                    else ")"
                )
            ),
        )
    # moved back onto the table it left there (kept in place when it moved), still of its shape: an
    # SCD2 history is kept, joined by the versions written where it was since (round 41)
    rejoined = moved_from is not None and spec.keeps_history and spec.table in (ctx.state.live or {}) and not drift
    reshape = (
        (bool(drift) and additions is None)
        or ctx.scheduler.reshapes(spec)
        or (moved_from is not None and not rejoined)
        or came_back
    )
    # A table model whose table has another shape, or an incremental one after drift with --full:
    # drop and recreate it in the build's own transaction (a failure keeps the old table). New
    # columns an incremental build can fill: added in place, in the same transaction.
    prelude = step.recreate if reshape else step.clear if ctx.options.full else additions or ()
    carried = (
        _carried_versions(ctx, spec, moved_from)
        if reshape
        else _rejoined_versions(ctx, spec, moved_from)
        if rejoined and moved_from is not None
        else None
    )
    if carried is not None:
        prelude = (*prelude, *carried)
    first_build = spec.name not in ctx.built.last
    whole_because = (
        f"its table moved back from {moved_from} onto the one it left here"
        if rejoined
        else f"its table moved from {moved_from}: made anew"
        if moved_from
        else "its spec was deleted and is back: its table, left as it was then, is made anew"
        if came_back
        else "its table is recreated"
        if reshape
        else f"its table gained column(s) {', '.join(drift.missing)}: every row rewritten to fill them"
        if additions
        else ""
    )
    scope = _build_scope(ctx, spec, step, whole_because)
    seq = _current(ctx, spec.name) + 1
    consumed = {name: _current(ctx, name) for name in spec.depends_on}
    params: dict[str, Any] = {"batch_ts": _closing_time(ctx, spec), "pipeline": ctx.pipeline, "build_seq": seq}
    if scope.since is not None:
        params.update({since_param(name): value for name, value in scope.since.items()})
        step = dataclasses.replace(step, statements=step.scoped)
    checks = ctx.manifest.step(step_id(StepKind.CHECK, spec.name))
    verdict: list[CheckOutcome] = []
    # a `table` model recording what its rebuild changed tells its readers which keys (not
    # "whole") — unless its table was recreated: the rows before are gone, not compared
    recorded = spec.materialization is Materialization.TABLE and bool(spec.changes_by) and not reshape
    whole = scope.since is None and not recorded

    def audit_and_publish(conn: Session) -> None:
        """Write-audit-publish: the model's checks run on its new state inside the build's
        transaction; an error-severity failure rolls everything back, so consumers stay on the
        previous published state. Its state record and the invalidation of everything downstream
        commit with it, so no crash can leave an unchecked state that looks up to date."""
        audited = checks
        # a relationships parent it does not depend on may have lost the referenced values in
        # this run: no key path follows them to this model's rows, so every row is checked
        outside = [p for p, column in spec.check_parents if p not in spec.depends_on and ctx.may_dangle(p, column)]
        if (
            checks is not None
            and scope.since is not None
            and checks.scoped
            and not ctx.options.full_checks
            and not outside
        ):
            # the rewritten keys' rows, and samples of those rows
            audited = dataclasses.replace(
                checks, statements=checks.scoped, checks=checks.scoped_checks or checks.checks
            )
        verdict[:] = _failing_checks(conn, audited) if audited is not None else []
        errors = [c for c in verdict if c.severity == "error"]
        if errors:
            raise ChecksFailed(errors)
        ctx.state.record_build(conn, spec, seq, consumed, whole=whole)
        ctx.state.invalidate(conn, step.invalidate)

    attempts = 0

    def attempt() -> StepResult:
        nonlocal attempts
        attempts += 1
        # tried again after a transient error: a commit whose answer was lost did publish the build
        if attempts > 1 and _published_before(ctx, spec.name, seq):
            return StepResult(step.id, reports={"recorded_before": 1})
        # a recreated table or view: the views reading it, dropped with it, made again after it
        restore = step.restore if reshape and prelude else ()
        return execute_step(ctx.conn, step, params, in_transaction=audit_and_publish, prelude=prelude, then=restore)

    try:
        result = ctx.execute(attempt)
    except ChecksFailed as failed:
        ctx.scheduler.block(spec.name, "failed its checks")
        return _outcome(
            step,
            StepStatus.FAILED,
            time.perf_counter() - started,
            error=f"not published: {failed}",
            checks=list(verdict),
        )
    except Exception as err:
        ctx.scheduler.block(spec.name, "failed to build")
        return _failed(step, started, err)
    ctx.scheduler.mark_changed(spec.name)
    lost, changed = result.reports.get("keys_lost"), result.reports.get("keys_changed")
    by = spec.scope.column if scope.since is not None and spec.scope is not None else spec.changes_by
    ctx.removed[spec.name] = None if lost is None or changed is None or not by else (by, lost, changed > 0)
    ctx.verdicts[spec.name] = list(verdict)
    ctx.built.last[spec.name] = LastBuild(spec.built_from, seq, consumed)
    if whole:
        ctx.whole_builds()[spec.name] = seq
    inserted, deleted = result.affected.get("INSERT", 0), result.affected.get("DELETE", 0)
    refilled = spec.materialization is Materialization.TABLE  # every row replaced: all of them count as inserted
    ties = int(result.reports.get("scd2_ties") or 0)
    return _outcome(
        step,
        StepStatus.WARNED if ties else StepStatus.OK,
        time.perf_counter() - started,
        rows_inserted=inserted if refilled else max(inserted - deleted, 0),
        rows_updated=0 if refilled else result.affected.get("MERGE", 0) + min(inserted, deleted),
        rows_expired=result.reports.get("rows_expired"),
        keys_affected=result.reports.get("keys_affected"),
        seq=seq,
        detail="; ".join(
            part
            for part in (
                scope.describe(result.reports.get("keys_affected"), result.reports.get("keys_changed")),
                f"rows of {result.reports['keys_changed']:,} key(s) changed"
                if scope.since is None and result.reports.get("keys_changed") is not None
                else "",
                _recreated(spec, moved_from, came_back, carried is not None)
                if reshape and prelude and not first_build
                else f"moved back from {moved_from} onto the table it left here: its versions kept"
                + (", with those written there since" if carried is not None else "")
                if rejoined
                else "",
                "the model state recorded this build when the step was retried: the earlier attempt's commit "
                "went through"
                if result.reports.get("recorded_before")
                else "",
                f"{ties:,} key(s) observed with differing tracked values at one version_start: one version "
                "kept for each (the larger tracked values: the same on every run and target)"
                if ties
                else "",
                _closed_later(ctx, step, params),
            )
            if part
        ),
    )


@dataclass(frozen=True)
class _Scope:
    """A build's extent: `since` (input → its counter at the last build) for a build restricted to
    the keys changed since, or None and the reason it rebuilds the whole table."""

    since: dict[str, int] | None
    reason: str = ""
    changed: tuple[str, ...] = ()

    def describe(self, keys: int | None, changed: int | None = None) -> str:
        """`changed`: of the keys recomputed, those whose rows came out different (what the
        models downstream follow; reported where one does)."""
        if self.since is not None:
            scoped = f"scoped to {keys or 0:,} key(s) changed by {', '.join(self.changed) or 'nothing'}"
            return scoped if changed is None else f"{scoped}; rows of {changed:,} of them changed"
        return f"whole: {self.reason}" if self.reason else ""


def _current(ctx: RunContext, name: str) -> int:
    """An input's counter now: a source's latest load, a model's latest build."""
    spec = ctx.manifest.spec(name)
    if spec is not None and spec.kind is SpecKind.SOURCE:
        return ctx.load_seqs().get(name, 0)
    last = ctx.built.last.get(name)
    return max(last.seq if last else 0, ctx.whole_builds().get(name, 0))


def inputs_changed_since_last_build(ctx: RunContext, spec: SpecInfo) -> set[str]:
    """The inputs whose counter passed what the model's last build consumed of them (every
    input when there is no such build, or no record of one of them): what an orchestrator's
    build task, which cannot see the other tasks of its run, rebuilds for."""
    last = ctx.built.last.get(spec.name)
    if last is None:
        return set(spec.depends_on)
    return {
        name for name in spec.depends_on if (since := last.consumed.get(name)) is None or _current(ctx, name) > since
    }


def _in_place(step: StepInfo, drift: Drift) -> tuple[StatementInfo, ...] | None:
    """The ADD COLUMNs that bring the table to its spec, when that is all it takes (only new
    columns, and a build that rewrites every row: see the compiler's add_columns); else None."""
    if not drift.missing or drift.extra or drift.retyped or drift.key:
        return None
    statements = [step.addition(column) for column in drift.missing]
    return tuple(s for s in statements if s is not None) if all(statements) else None


def _carried_versions(ctx: RunContext, spec: SpecInfo, moved_from: str | None) -> tuple[StatementInfo, ...] | None:
    """An SCD2 model moved to another schema takes its versions along — its table is its history,
    which staging may no longer hold (an upsert source keeps one row per key) — when the table it
    leaves has its shape (the state recorded it): they are copied into the table made anew, and
    its whole build then re-chains them with the observations, as a --full build keeps them."""
    if moved_from is None or not spec.keeps_history or ctx.built.shapes.get(spec.name) != spec.table_shape:
        return None
    from sqlglot import exp

    from framework.compile.render import render_statement
    from framework.sql.dialects import get_dialect

    names = [exp.to_identifier(c.name) for c in spec.columns]
    copy = exp.Insert(
        this=exp.Schema(this=_relation(spec.table), expressions=names),
        expression=exp.select(*(exp.column(n.copy()) for n in names)).from_(_relation(moved_from)),
    )
    sql = render_statement(get_dialect(ctx.manifest.target), copy)
    return (StatementInfo(sql, "the versions of the table it moved from, copied", verb="INSERT", table=spec.table),)


def _closing_time(ctx: RunContext, spec: SpecInfo) -> datetime.datetime:
    """When an SCD2 `invalidate` build closes the keys its inputs no longer hold: the batch that
    shows them gone. For a model that reads snapshots only (directly or through other models),
    that is the batch of the snapshot its table is built from: one loaded by a run the model was
    left out of (or failed in) showed the absence then, not at the run that builds it
    (adversarial round 41). Otherwise the run's batch
    time — unless the run was told one (--batch-date) before a batch it loaded: the rows gone
    were still there the day before that batch (round 42)."""
    batch = ctx.batch_time()
    # the sources it reads, directly or through other models (a view, a table over the
    # snapshot: dated as the snapshot read directly, adversarial round 55)
    read = [ctx.manifest.spec(name) for name in _upstream(ctx.manifest)[spec.name]]
    sources = [i for i in read if i is not None and i.kind is SpecKind.SOURCE]
    if spec.keeps_history and sources and all(i.snapshot for i in sources):
        shown = max((ctx.snapshot_batch(i.name) for i in sources), default="")
        return datetime.datetime.fromisoformat(shown) if shown else batch
    if ctx.loaded_through > batch.date().isoformat():
        return datetime.datetime.fromisoformat(ctx.loaded_through)
    return batch


def _closed_later(ctx: RunContext, step: StepInfo, params: dict[str, Any]) -> str:
    """An SCD2 build told a batch time (--batch-date) before the batch whose absences it closes:
    said, with the time it closed them at."""
    if "batch_ts" not in step.params or ctx.options.batch_ts is LATEST_BATCH:
        return ""
    batch, closed = ctx.batch_time(), params["batch_ts"]
    if closed.date() <= batch.date():
        return ""
    return (
        f"keys absent from batch {closed:%Y-%m-%d} are closed at {closed:%Y-%m-%d %H:%M}, that batch's, not at "
        f"the run's --batch-date {batch:%Y-%m-%d}: they were there before it"
    )


def _rejoined_versions(ctx: RunContext, spec: SpecInfo, moved_from: str) -> tuple[StatementInfo, ...] | None:
    """An SCD2 model moved back onto the table it left in place: the versions written where it
    was meanwhile are joined, as written there (by surrogate key: MD5 of the key and valid_from,
    theirs replacing this table's), when that table was built for its columns (the state
    recorded it); its whole build then re-chains them all, as a --full
    build keeps them. None when there is nothing to take them from."""
    if not spec.surrogate_key or ctx.built.shapes.get(spec.name) != spec.table_shape:
        return None  # the table it was built at last was made for other columns
    from sqlglot import exp

    from framework.compile.render import render_statement
    from framework.sql.dialects import get_dialect

    surrogate = spec.surrogate_key
    names = [exp.to_identifier(c.name) for c in spec.columns]
    dialect = get_dialect(ctx.manifest.target)
    # a version both tables hold (its key and valid_from) is as it was written last, where it was:
    # closed there by a deletion, say, while still open here
    replaced = exp.delete(
        _relation(spec.table),
        where=exp.column(surrogate).isin(query=exp.select(exp.column(surrogate)).from_(_relation(moved_from))),
    )
    copy = exp.Insert(
        this=exp.Schema(this=_relation(spec.table), expressions=names),
        expression=exp.select(*(exp.column(n.copy()) for n in names)).from_(_relation(moved_from)),
    )
    return (
        StatementInfo(
            render_statement(dialect, replaced),
            "the versions also written where it was, dropped here",
            verb="DELETE",
            table=spec.table,
        ),
        StatementInfo(
            render_statement(dialect, copy),
            "the versions written where it was, joined",
            verb="INSERT",
            table=spec.table,
        ),
    )


def _relation(name: str, alias: str = "") -> exp.Table:
    from sqlglot import exp

    schema, table = name.split(".", 1)
    return exp.Table(
        this=exp.to_identifier(table),
        db=exp.to_identifier(schema),
        alias=exp.TableAlias(this=exp.to_identifier(alias)) if alias else None,
    )


def _recreated(spec: SpecInfo, moved_from: str | None, came_back: bool, carried: bool) -> str:
    """Why a build made its table or view anew, said once whatever its strategy (a first build has
    no old table to lose: nothing to say)."""
    kind = "view" if spec.materialization is Materialization.VIEW else "table"
    versions = "; its versions copied from there" if carried else ""
    why = (
        f"made anew at {spec.table} (moved from {moved_from}, which is left in place{versions})"
        if moved_from
        else "made anew (its spec was deleted and is back)"
        if came_back
        else "recreated for its spec's new shape"
    )
    return f"{kind} {why}; grants on it must be given again"


def _build_scope(ctx: RunContext, spec: SpecInfo, step: StepInfo, whole_because: str) -> _Scope:
    """Restrict the build to the keys its inputs' changes affect, when that is sound; else the
    whole table, saying why (an incremental model only: others are whole by definition)."""
    if not step.scoped or spec.scope is None:
        incremental = (
            spec.materialization is Materialization.INCREMENTAL
        )  # others are whole by definition: nothing to say
        unrecorded = [
            name
            for name in spec.depends_on
            if (upstream := ctx.manifest.spec(name)) is not None
            and upstream.kind is SpecKind.MODEL
            and not upstream.changes_by
        ]
        because = spec.whole_because or (
            f"{', '.join(unrecorded)} record(s) no changed keys (a table model without keys.business, or a view) (W503)"
            if spec.scope is not None and unrecorded
            else "no key path (W503)"
        )
        return _Scope(None, f"its builds cannot be restricted to keys: {because}" if incremental else "")
    last = ctx.built.last.get(spec.name)
    if ctx.options.full:
        return _Scope(None, "a full run")
    if whole_because:
        return _Scope(None, whole_because)
    if spec.name in ctx.built.refused:
        return _Scope(None, "its published rows failed their checks")
    if spec.name in ctx.built.unaudited:
        return _Scope(None, "a parent its relationships checks read may have lost rows in a run that left it out")
    if spec.name in ctx.built.lost:
        return _Scope(None, "its table was gone (dropped outside elt) and was made anew")
    if last is None:
        return _Scope(None, "no earlier build to start from")
    if last.fingerprint != spec.built_from:
        return _Scope(None, "its definition or checks changed")
    changed = []
    for name in spec.depends_on:
        since = last.consumed.get(name)
        if since is None:
            return _Scope(None, f"no record of what it had read from {name}")
        if _current(ctx, name) <= since:
            continue
        changed.append(name)
        upstream = ctx.manifest.spec(name)
        if upstream is not None and upstream.snapshot:
            return _Scope(None, f"{name} is a snapshot that was replaced")
        if upstream is not None and upstream.kind is SpecKind.SOURCE and ctx.whole_builds().get(name, 0) > since:
            return _Scope(None, f"{name} was reloaded from the lake (or a batch of it read whole again)")
        if spec.scope.path(name) is None:
            return _Scope(None, f"{name} changed and no key path leads from its rows to {spec.scope.column}")
        if (
            upstream is not None
            and upstream.kind is SpecKind.MODEL
            and (not upstream.changes_by or ctx.whole_builds().get(name, 0) > since)
        ):
            return _Scope(None, f"{name} was rebuilt whole")
    return _Scope({name: last.consumed[name] for name in spec.depends_on}, changed=tuple(changed))


class ChecksFailed(EltError):
    """A model's error-severity checks found rows: its build is rolled back, never published."""

    def __init__(self, errors: list[CheckOutcome]):
        super().__init__("; ".join(f"{c.name}: {c.failures} failing row(s)" for c in errors))


# -- checks ---------------------------------------------------------------------------------------
def run_check(ctx: RunContext, step: StepInfo) -> StepOutcome | None:
    spec = step.spec or ""
    info = ctx.manifest.spec(spec)
    parents = info.check_parents if info is not None else ()
    if not ctx.scheduler.wants_checks(spec, any(ctx.may_dangle(p, column) for p, column in parents)):
        return None  # checks run after a build (a skipped or up-to-date model keeps its last verdict)
    started = time.perf_counter()
    published = spec not in ctx.verdicts  # not built in this run: the checks read what is published
    try:
        # the verdict its build reached inside its transaction, or (an orchestrator's separate
        # check task; a model whose relationships' parent changed) the checks run again on the
        # published state
        failing = (
            ctx.verdicts.pop(spec) if spec in ctx.verdicts else ctx.execute(lambda: _failing_checks(ctx.conn, step))
        )
    except Exception as err:  # the warehouse failed us, not the data: say so, block downstream
        ctx.scheduler.block(spec, "could not be checked")
        return _failed(step, started, err)
    outcome = _outcome(step, StepStatus.OK, checks=failing)
    errors = [c for c in failing if c.severity == "error"]
    if errors:
        outcome.status = StepStatus.FAILED
        outcome.error = "; ".join(f"{c.name}: {c.failures} failing row(s)" for c in errors)
        ctx.scheduler.block(spec, "failed its checks")
        if published:  # it rebuilds whole on the next run, and its audit refuses it until the data is fixed
            ctx.execute(lambda: ctx.state.refuse(ctx.conn, spec))
    elif failing:
        outcome.status = StepStatus.WARNED
    # not built in this run (or its build refused): the checks read the rows published before
    read = " of the published rows" if published else ""
    outcome.detail = f"{len(step.checks)} check(s){read}, {len(failing)} with failures"
    outcome.seconds = time.perf_counter() - started
    return outcome


def defer_audit(ctx: RunContext, step: StepInfo) -> None:
    """A check step this run left out (--select/--exclude) whose model's relationships checks read
    a parent that may have lost the referenced rows in the run: nothing in this run checks the
    model's published rows, and nothing after would, so its next run rebuilds it whole, audited
    (as a run that selected it would have refused it)."""
    info = ctx.manifest.spec(step.spec or "")
    if info is None:
        return
    # a parent it reads is invalidated for it already (the invalidation of the models downstream)
    read = {parent for parent, _ in info.check_parents if info.name in ctx.manifest.downstream(parent)}
    if any(ctx.may_dangle(parent, column) for parent, column in info.check_parents if parent not in read):
        ctx.execute(lambda: ctx.state.defer_audit(ctx.conn, info.name))


def _failing_checks(conn: Session, step: StepInfo) -> list[CheckOutcome]:
    if step.statements:  # every count in one query
        counts = list(conn.execute(step.statements[0].sql).fetchone())
    else:
        counts = [conn.execute(c.count_sql).fetchone()[0] for c in step.checks]
    failing = []
    for check, failures in zip(step.checks, counts):
        if failures:
            cursor = conn.execute(check.sample_sql)
            failing.append(
                CheckOutcome(
                    check.name,
                    check.severity,
                    int(failures),
                    cursor.fetchall(),
                    [d[0] for d in cursor.description],
                )
            )
    return failing


StepRunner = Callable[[RunContext, StepInfo], StepOutcome | None]
STEP_RUNNERS: dict[StepKind, StepRunner] = {
    StepKind.LOAD: run_load,
    StepKind.BUILD: run_build,
    StepKind.CHECK: run_check,
}
