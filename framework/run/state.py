"""The run's own records in the warehouse, through the manifest's internal statements: model
state (what each model was last built from), ledger rows (which lake files were loaded), the
run log (one row per step), and the live tables' columns (to tell a table its spec outgrew)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from framework.compile.manifest import InternalQuery, Manifest, SpecInfo, StatementInfo
from framework.execute.session import Session
from framework.execute.steps import run_statement
from framework.lake import Lake, LakeFile
from framework.run.options import RunOrigin
from framework.run.outcome import StepOutcome
from framework.spec.model import Materialization, SpecKind
from framework.sql.kinds import INVALIDATED, LOST, REFUSED, UNAUDITED

# the fingerprints of the markers (framework.sql.kinds.MARKERS):
# REFUSED: a model whose published rows failed its checks (a parent lost rows): it rebuilds
# whole, audited whole, until the data passes
# UNAUDITED: a model left out of a run (--select/--exclude) in which a parent its relationships
# checks read may have lost the rows its own reference: it rebuilds whole, audited whole, on its
# next run (nothing else would check its published rows against the loss)
# LOST: a model whose table was gone at setup (dropped outside elt): setup made it anew, empty,
# and its next build is whole
# the fingerprint of a model whose spec was deleted (written by the first prune after): the rows
# its readers' changes were recorded by go, so a model that comes back is made anew, built whole
REMOVED = "removed"
# the fingerprint of a source's row: not a build, the rule its staging table keeps rows by (its
# table_shape), recorded by the load that first kept rows by it
SOURCE_LOADED = "source"


@dataclass(frozen=True)
class Drift:
    """A table's columns against its spec's: declared columns it lacks, columns it has that the
    spec no longer declares, and columns made for another type (column, live type, declared type)."""

    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    retyped: tuple[tuple[str, str, str], ...] = ()
    reordered: bool = False  # a view's columns in another order (a table's order does not matter)
    # (its PRIMARY KEY, the spec's) when a model's grain changed: a key is not altered in place
    key: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.retyped or self.reordered or self.key)

    def __str__(self) -> str:
        parts = ([f"lacks column(s) {', '.join(self.missing)}"] if self.missing else []) + (
            [f"has column(s) {', '.join(self.extra)} no longer in the spec"] if self.extra else []
        )
        parts += [f"has column {c} as {live} where the spec declares {declared}" for c, live, declared in self.retyped]
        parts += ["has its columns in another order"] if self.reordered else []
        if self.key:
            live, declared = self.key
            parts.append(f"has primary key ({', '.join(live)}) where the spec declares ({', '.join(declared)})")
        return " and ".join(parts)


@dataclass(frozen=True)
class LastBuild:
    """A model's latest completed build: what it was built from, its counter, and the counter of
    each input it had consumed (what changed since is what a scoped build recomputes)."""

    fingerprint: str
    seq: int
    consumed: dict[str, int]


@dataclass
class BuiltState:
    fingerprints: dict[str, str] = field(default_factory=dict)  # model → its latest row's fingerprint
    shapes: dict[str, str] = field(default_factory=dict)  # model → the table shape of its latest build
    last: dict[str, LastBuild] = field(default_factory=dict)  # model → its latest build
    refused: set[str] = field(default_factory=set)  # models whose latest row is REFUSED
    unaudited: set[str] = field(default_factory=set)  # models whose latest row is UNAUDITED
    lost: set[str] = field(default_factory=set)  # models whose table was gone since their latest build
    removed: set[str] = field(default_factory=set)  # models whose spec was deleted since their latest build
    relations: dict[str, str] = field(default_factory=dict)  # spec → the schema.table its latest build or load wrote
    # source → the string(n) limit of each string column its staged rows were loaded under (None:
    # no limit), as its SOURCE_LOADED row records them
    text_limits: dict[str, dict[str, int | None]] = field(default_factory=dict)
    # source → its columns the spec let hold NULL when its staged rows were loaded (recorded since
    # adversarial round 48; absent for rows loaded before)
    nullable: dict[str, frozenset[str]] = field(default_factory=dict)

    def moved_from(self, spec: SpecInfo) -> str | None:
        """The table `spec`'s rows were last written to, when that is not its table now (its
        layer's schema changed in pipeline.yml): the state describes that table, not this one."""
        before = self.relations.get(spec.name)
        return before if before and before != spec.table else None


def text_limits(spec: SpecInfo) -> dict[str, int | None]:
    """Each string column of the spec and its string(n) limit (None: none)."""
    from framework.spec.types import parse_type

    limits: dict[str, int | None] = {}
    for column in spec.columns:
        ptype = parse_type(column.type)
        if ptype.name == "string":
            limits[column.name] = ptype.length
    return limits


def nullable_columns(spec: SpecInfo) -> frozenset[str]:
    """The source's columns its spec lets hold NULL."""
    return frozenset(c.name for c in spec.columns if c.nullable)


def narrowed_texts(recorded: dict[str, int | None], now: dict[str, int | None]) -> list[str]:
    """The string columns whose limit is now below the one their rows were loaded under."""
    narrowed = []
    for name, limit in now.items():
        if name not in recorded or limit is None:
            continue
        before = recorded[name]
        if before is None or limit < before:
            narrowed.append(name)
    return narrowed


def _naive(value: datetime.datetime) -> datetime.datetime:
    """A warehouse timestamp as naive UTC (a driver may hand it back zone-aware)."""
    return value.astimezone(datetime.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


# information_schema's type names (DuckDB's, PostgreSQL's, Redshift's), by the family the
# compiler spells a declared type with (Dialect.stored_type).
_STORED_FAMILIES = {
    "integer": "integer",
    "int": "integer",
    "int4": "integer",
    "bigint": "bigint",
    "int8": "bigint",
    "decimal": "decimal",
    "numeric": "decimal",
    "varchar": "varchar",
    "character varying": "varchar",
    "text": "varchar",
    "double": "double",
    "double precision": "double",
    "float8": "double",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
}


def stored_type(data_type: str | None, length: int | None, precision: int | None, scale: int | None) -> str:
    """A live column's type from its information_schema row, spelled as the compiler spells a
    declared one: `decimal(10,2)`, `varchar(200)`, `varchar`, `integer`…; '' when not told apart."""
    family = _STORED_FAMILIES.get((data_type or "").split("(")[0].strip().lower(), "")
    if family == "decimal" and precision is not None:
        return f"decimal({int(precision)},{int(scale or 0)})"
    if family == "varchar" and length:
        return f"varchar({int(length)})"
    return family


def live_columns(conn: Session, manifest: Manifest) -> dict[str, dict[str, str]]:
    """schema.table → its columns and their types, for every schema the pipeline uses (the
    framework's included)."""
    live: dict[str, dict[str, str]] = {}
    for schema, table, column, *described in run_statement(conn, manifest.internal_sql(InternalQuery.TABLE_COLUMNS)):
        live.setdefault(f"{schema}.{table}", {})[column] = stored_type(*described)
    return live


class RunState:
    def __init__(self, manifest: Manifest, conn: Session, run_id: str, origin: RunOrigin | None = None):
        """`origin`: the orchestrator's run the steps belong to; its run id then replaces `run_id`."""
        self.manifest, self.conn, self.origin = manifest, conn, origin
        self.run_id = origin.run_id if origin else run_id
        self.pipeline = manifest.pipeline.name
        self.live: dict[str, dict[str, str]] | None = None  # schema.table → its columns' types, read once (or given)
        self._keys: dict[str, tuple[str, ...]] | None = None  # schema.table → its PRIMARY KEY columns, read once

    # -- model state (insert-only: a model's latest row wins) ---------------------------------------
    def built(self) -> BuiltState:
        """What each model's latest row says it was built from, and the shape of its table."""
        rows = run_statement(
            self.conn, self.manifest.internal_sql(InternalQuery.MODEL_STATE), {"pipeline": self.pipeline}
        )
        built = BuiltState()
        for model, fingerprint, shape, seq, consumed, relation in rows:  # oldest first
            built.fingerprints[model] = fingerprint
            if shape:
                built.shapes[model] = shape
            if relation:
                built.relations[model] = relation
            if fingerprint == SOURCE_LOADED:
                recorded = json.loads(consumed) if consumed else {}
                if "text_limits" in recorded:
                    built.text_limits[model] = recorded["text_limits"]
                if "nullable" in recorded:
                    built.nullable[model] = frozenset(recorded["nullable"])
                continue
            if fingerprint == REFUSED:
                built.refused.add(model)
            elif fingerprint == UNAUDITED:
                built.unaudited.add(model)
            elif fingerprint == LOST:
                built.lost.add(model)
            elif fingerprint == REMOVED:
                built.removed.add(model)
                built.last.pop(model, None)
            elif fingerprint != INVALIDATED:
                built.refused.discard(model)
                built.unaudited.discard(model)
                built.lost.discard(model)
                built.removed.discard(model)
                built.last[model] = LastBuild(fingerprint, int(seq or 0), json.loads(consumed) if consumed else {})
        return built

    def seqs(self) -> tuple[dict[str, int], dict[str, int]]:
        """Each source's latest load counter, and each model's latest whole build."""
        params = {"pipeline": self.pipeline}
        loads = run_statement(self.conn, self.manifest.internal_sql(InternalQuery.LOAD_SEQS), params)
        wholes = run_statement(self.conn, self.manifest.internal_sql(InternalQuery.WHOLE_BUILDS), params)
        return {s: int(n or 0) for s, n in loads}, {m: int(n or 0) for m, n in wholes}

    def record_build(self, conn: Session, spec: SpecInfo, seq: int, consumed: dict[str, int], whole: bool) -> None:
        """Called inside the build's transaction: the state commits with the data or not at all.
        A whole build also says so in `model_changes` (a scoped one recorded its keys there)."""
        self._insert(conn, spec.name, spec.built_from, spec.table_shape or None, seq, consumed, spec.table)
        if whole:
            self.record_whole(conn, spec.name, seq)

    def record_kept_by(self, conn: Session, source: SpecInfo) -> None:
        """Inside a load's transaction: the rule (a source's table fingerprint) its staging table
        keeps rows by, the table, and the string(n) limits and nullability its rows were checked
        against, in the source's own model_builds row (`SOURCE_LOADED`, not a build; its `consumed`
        holds them)."""
        limits = {"text_limits": text_limits(source), "nullable": sorted(nullable_columns(source))}
        self._insert(conn, source.name, SOURCE_LOADED, source.table_shape, consumed=limits, relation=source.table)

    def record_whole(self, conn: Session, relation: str, seq: int) -> None:
        """A build or a load that rewrote its whole table (a model's whole build, a source's
        reload): its readers' next builds are whole too, not restricted to keys."""
        row = {"pipeline": self.pipeline, "model": relation, "build_seq": seq, "key": None}
        run_statement(conn, self.manifest.internal_sql(InternalQuery.MODEL_CHANGES_INSERT), row)

    def invalidate(self, conn: Session, statements: tuple[StatementInfo, ...]) -> None:
        """Forget what the models downstream of a step were built from (they rebuild on the next
        run), in the caller's transaction: the change upstream of them and this record commit
        together. One statement for all of them (the step's `invalidate`, compiled)."""
        params = {"pipeline": self.pipeline, "run_id": self.run_id, "built_at": _utc_now()}
        for statement in statements:
            run_statement(conn, statement, params)

    def lose(self, conn: Session, model: str) -> None:
        """The model's table was gone at setup (made anew, empty): it rebuilds whole next."""
        self._insert(conn, model, LOST, None)

    def forget_loads(self, conn: Session, source: str) -> None:
        """The source's table was gone at setup (made anew, empty): its ledger and rejects rows
        go, so its next load reads every lake file again, as a fresh warehouse would."""
        params = {"pipeline": self.pipeline, "source": source}
        for query in (InternalQuery.LEDGER_FORGET, InternalQuery.REJECTS_FORGET):
            run_statement(conn, self.manifest.internal_sql(query), params)

    def refuse(self, conn: Session, model: str) -> None:
        """The model's published rows failed its checks: it rebuilds whole on the next run."""
        self._insert(conn, model, REFUSED, None)

    def defer_audit(self, conn: Session, model: str) -> None:
        """The model, left out of this run, may reference rows a parent lost in it: it rebuilds
        whole, audited, on the next run."""
        self._insert(conn, model, UNAUDITED, None)

    def mark_removed(self, conn: Session, built: BuiltState) -> None:
        """The models with a build but no spec any more (deleted; their tables left in place):
        recorded as REMOVED, in `built` too. Nothing reads changes for them from now on, and
        the changes their readers recorded are pruned: one that comes back is made anew."""
        names = {spec.name for spec in self.manifest.specs}
        for model in sorted(built.last.keys() - names):
            self._insert(conn, model, REMOVED, None)
            built.fingerprints[model] = REMOVED
            built.removed.add(model)
            del built.last[model]

    def prune(self, conn: Session) -> None:
        """Drop the state rows behind each model's latest build, and the rewritten keys and
        changed values every reader downstream has already consumed (at setup or the end of a
        run: no build runs beside it)."""
        run_statement(conn, self.manifest.internal_sql(InternalQuery.MODEL_STATE_PRUNE), {"pipeline": self.pipeline})
        built = self.built()
        self.mark_removed(conn, built)  # (an orchestrator's runs record them here; `elt run` at its start)
        last = built.last
        for spec in self.manifest.specs:
            readers = [m for m in self.manifest.specs if spec.name in m.depends_on and m.name in last]
            consumed = [last[m.name].consumed.get(spec.name, 0) for m in readers]
            if spec.kind is SpecKind.MODEL or consumed:  # a source's rows: its reloads, once every reader has read them
                floor = min(consumed) if consumed else last[spec.name].seq if spec.name in last else 0
                if floor:
                    params = {"pipeline": self.pipeline, "model": spec.name, "build_seq": floor}
                    run_statement(conn, self.manifest.internal_sql(InternalQuery.MODEL_CHANGES_PRUNE), params)
            if spec.kept_values and consumed:
                params = {"pipeline": self.pipeline, "relation": spec.name, "seq": min(consumed)}
                run_statement(conn, self.manifest.internal_sql(InternalQuery.CHANGED_VALUES_PRUNE), params)

    def _insert(
        self,
        conn: Session,
        model: str,
        fingerprint: str,
        shape: str | None,
        seq: int | None = None,
        consumed: dict[str, Any] | None = None,
        relation: str | None = None,
    ) -> None:
        row = {
            "pipeline": self.pipeline,
            "model": model,
            "data_fingerprint": fingerprint,
            "run_id": self.run_id,
            "built_at": _utc_now(),
            "table_shape": shape,
            "build_seq": seq,
            "consumed": json.dumps(consumed, sort_keys=True) if consumed is not None else None,
            "relation": relation,
        }
        run_statement(conn, self.manifest.internal_sql(InternalQuery.MODEL_STATE_INSERT), row)

    # -- ledger -----------------------------------------------------------------------------------
    def ledger_row(
        self, lake: Lake, source: str, lake_file: LakeFile, batch_ts: datetime.datetime, load_seq: int
    ) -> dict[str, Any]:
        rows = lake.row_count(lake_file.path) if lake.exists(lake_file.path) else 0
        batch_date = datetime.date.fromisoformat(lake_file.batch_date) if lake_file.batch_date else batch_ts.date()
        return {
            "pipeline": self.pipeline,
            "source": source,
            "path": lake_file.key,  # relative to the lake root: the ledger survives a move
            "size_bytes": lake_file.size,
            "checksum": lake_file.checksum,
            "row_count": rows,
            "batch_date": batch_date,
            "run_id": self.run_id,
            "loaded_at": _utc_now(),
            "load_seq": load_seq,
        }

    def record_files(self, conn: Session, rows: list[dict[str, Any]]) -> None:
        """Ledger rows for files consumed without being loaded (a superseded or empty snapshot)."""
        for row in rows:
            run_statement(conn, self.manifest.internal_sql(InternalQuery.LEDGER_INSERT), row)

    # -- live tables ------------------------------------------------------------------------------
    def drift(self, spec: SpecInfo) -> Drift:
        """How a model's or source's live table (or view) differs from its spec's columns (empty
        when it does not, or when the warehouse does not list it: Redshift's late-binding views)."""
        if self.live is None:
            self.live = live_columns(self.conn, self.manifest)
        listed = self.live.get(spec.table)
        if not listed:
            return Drift()
        # by name as the warehouses compare unquoted names: PostgreSQL and Redshift keep a
        # source's `LaBel` as `label`, DuckDB as written (adversarial round 32)
        names = {name.lower(): name for name in listed}
        live = {name.lower(): stored for name, stored in listed.items()}
        # the stored columns: the declared ones and `_build_seq` (which an older table gets from
        # the upgrades before any build, so it is never missing here)
        declared = {c.name.lower(): c for c in spec.columns}
        retyped = tuple(
            (c.name, live[key], c.type)
            for key, c in declared.items()
            if key in live and c.stored and live[key] and live[key] != c.stored
        )
        missing = tuple(c.name for key, c in declared.items() if key not in live)
        extra = [names[key] for key in live if key not in declared]
        if spec.materialization is Materialization.VIEW:  # its columns, in order, are its query's
            if list(declared)[: len(live)] == list(live) and not retyped:
                return Drift()  # the same columns, maybe more at the end: CREATE OR REPLACE VIEW takes it
            common = [key for key in declared if key in live]
            reordered = common != [key for key in live if key in declared]
            return Drift(missing, tuple(extra), retyped, reordered)
        return Drift(missing, tuple(sorted(extra)), retyped, key=self._key_drift(spec))

    def _key_drift(self, spec: SpecInfo) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(live, declared) when the table has a PRIMARY KEY other than its spec's: the grain
        changed (PostgreSQL would refuse the new rows, Redshift's planner trust a key no longer
        true). Only where the warehouse declares keys: DuckDB's tables have none."""
        if spec.kind is not SpecKind.MODEL or not spec.primary_key:
            return None
        if self._keys is None:
            self._keys = {}
            for schema, table, column in run_statement(self.conn, self.manifest.internal_sql(InternalQuery.TABLE_KEYS)):
                key = f"{schema}.{table}"
                self._keys[key] = (*self._keys.get(key, ()), column)
        live = self._keys.get(spec.table)
        if not live or [c.lower() for c in live] == [c.lower() for c in spec.primary_key]:
            return None
        return live, spec.primary_key

    # -- run log ----------------------------------------------------------------------------------
    def failed_builds(self) -> dict[str, datetime.datetime]:
        """The models whose latest build attempt in the log failed, with when (not one skipped,
        nor a run that never got to it: a kill, a selection)."""
        rows = run_statement(
            self.conn, self.manifest.internal_sql(InternalQuery.BUILD_ATTEMPTS), {"pipeline": self.pipeline}
        )
        return {
            step.split(":", 1)[1]: _naive(failed_at)
            for step, built_at, failed_at in rows
            if failed_at and (not built_at or failed_at > built_at)
        }

    def last_loaded(self) -> dict[str, datetime.datetime]:
        """When each source last loaded files (its ledger's latest loaded_at)."""
        rows = run_statement(
            self.conn, self.manifest.internal_sql(InternalQuery.SOURCE_FRESHNESS), {"pipeline": self.pipeline}
        )
        return {source: _naive(loaded_at) for source, loaded_at, _ in rows if loaded_at}

    def logged_steps(self) -> dict[str, tuple[str, str | None]]:
        """This run's steps as the run log has them: step → (status, error)."""
        rows = run_statement(
            self.conn,
            self.manifest.internal_sql(InternalQuery.RUN_LOG_STEPS),
            {"run_id": self.run_id, "pipeline": self.pipeline},
        )
        return {step: (status, error) for step, status, error in rows}

    def log_all(self, outcomes: list[StepOutcome], replace: bool = False) -> None:
        """Several steps' rows in one transaction (a commit each cost ~1 ms of an idle run's 0.3 s).
        `replace`: a retry, whose earlier attempt may have committed them: their rows go first."""
        if len(outcomes) <= 1:
            for outcome in outcomes:
                self.log(outcome, replace)
            return
        self.conn.execute("BEGIN TRANSACTION")
        try:
            for outcome in outcomes:
                self.log(outcome, replace)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def log(self, outcome: StepOutcome, replace: bool = False) -> None:
        """One row per step; a step of an orchestrator's run that is retried (or cleared and run
        again) replaces its earlier row, so each DAG run keeps one row per step (as a log written
        again after a dropped connection does: `replace`)."""
        origin = self.origin
        if origin is not None or replace:
            run_statement(
                self.conn,
                self.manifest.internal_sql(InternalQuery.RUN_LOG_DELETE),
                {"run_id": self.run_id, "step": outcome.step},
            )
        logical = origin.logical_date if origin else None
        if logical is not None and logical.tzinfo is not None:
            logical = logical.astimezone(datetime.UTC).replace(tzinfo=None)
        run_statement(
            self.conn,
            self.manifest.internal_sql(InternalQuery.RUN_LOG_INSERT),
            {
                "run_id": self.run_id,
                "pipeline": self.pipeline,
                "step": outcome.step,
                "step_kind": outcome.kind.value if outcome.kind else None,
                "status": outcome.status.value,
                "rows_inserted": outcome.rows_inserted,
                "rows_updated": outcome.rows_updated,
                "rows_expired": outcome.rows_expired,
                "rows_rejected": outcome.rows_rejected,
                "started_at": _utc_now(),
                "duration_ms": round(outcome.seconds * 1000, 3),
                "error": outcome.error or None,
                "detail": outcome.detail or None,
                "spec_fingerprint": self.manifest.pipeline.source_fingerprint,
                "dag_run_id": origin.dag_run_id if origin else None,
                "logical_date": logical,
                "seq": outcome.seq,
                "keys_affected": outcome.keys_affected,
            },
        )
