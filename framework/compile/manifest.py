"""manifest.json: the contract between compile, run and the DAGs. Plain data, stdlib json only.

The DAG file reads this (and nothing heavier), so it must stay importable without
sqlglot or jsonschema: this module imports neither.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields
from enum import Enum, StrEnum

from framework.spec.kinds import Materialization, SpecKind
from framework.spec.targets import TARGET_CLASSES, AnyTarget, TargetType
from framework.sql.kinds import LoadMethod, StatementKind
from framework.sql.lineage import KeyScope

MANIFEST_VERSION = 3


class StepKind(StrEnum):
    SETUP = "setup"  # schemas and the framework's own tables
    TABLE = "table"  # CREATE TABLE IF NOT EXISTS of a staging table or model
    LOAD = "load"  # a batch of lake files into staging
    BUILD = "build"  # a model
    CHECK = "check"  # a model's checks


class InternalQuery(StrEnum):
    """The runner's own statements on the framework tables, compiled with everything else."""

    TABLE_COLUMNS = "table_columns"  # the live tables' columns (drift, framework-table upgrades)
    TABLE_KINDS = "table_kinds"  # each live relation's kind: a table, or a view (a model switching)
    TABLE_KEYS = "table_keys"  # the live tables' primary key columns, in order (a model's changed grain)
    LEDGER_FILES = "ledger_files"  # the lake files a source has loaded
    MODEL_STATE = "model_state"  # what each model was built from, oldest first (the latest row wins)
    MODEL_STATE_INSERT = "model_state_insert"  # insert-only: no build's transaction reads the table
    MODEL_STATE_PRUNE = "model_state_prune"  # at setup: rows older than each model's latest build
    LOAD_SEQS = "load_seqs"  # each source's latest load counter
    WHOLE_BUILDS = "whole_builds"  # each model's latest build that rewrote its whole table (a source's reload)
    MODEL_CHANGES_INSERT = "model_changes_insert"  # a whole build's record, or a reload's (key NULL)
    MODEL_CHANGES_PRUNE = "model_changes_prune"  # a model's rewritten keys every reader has consumed
    CHANGED_VALUES_PRUNE = "changed_values_prune"  # an input's changed values every reader has consumed
    RUN_LOG_INSERT = "run_log_insert"
    RUN_LOG_DELETE = "run_log_delete"  # a retried step of an orchestrator's run replaces its earlier row
    RUN_LOG_STEPS = "run_log_steps"  # one run's steps as the log has them (an orchestrator's summary)
    # each build step's latest success and latest failure: a backlog is not held for a model that failed
    BUILD_ATTEMPTS = "build_attempts"
    LEDGER_INSERT = "ledger_insert"  # files consumed without loading them (superseded or empty snapshots)
    SOURCE_FRESHNESS = "source_freshness"  # each source's latest loaded_at and batch_date (`elt freshness`)
    TABLE_ROWS = "table_rows"  # every staging and model table's row count (the end-of-run summary)
    LEDGER_FORGET = "ledger_forget"  # a source reloaded from the lake: its files are recorded again
    REJECTS_FORGET = "rejects_forget"  # … and the rows its files had rejected, rejected again


def step_id(kind: StepKind, spec: str | None) -> str:
    """A step's id: its kind, and the spec it works on (`load:orders`, `build:dim_customer`, `setup`)."""
    return kind.value if spec is None else f"{kind.value}:{spec}"


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool
    # How the warehouse's information_schema describes the column (Dialect.stored_type; '' when
    # not told apart): a live column described otherwise was made for another type.
    stored: str = ""


@dataclass(frozen=True)
class FreshnessInfo:
    """A source's freshness thresholds as its spec writes them (`26h`, `3d`, `30m`)."""

    warn_after: str | None = None
    error_after: str | None = None


@dataclass(frozen=True)
class SpecInfo:
    name: str
    kind: SpecKind  # a source or a model
    layer: str  # staging for sources
    table: str  # schema.table
    materialization: Materialization  # a source's staging table: TABLE
    columns: tuple[ColumnInfo, ...]
    depends_on: tuple[str, ...]
    fingerprints: tuple[tuple[str, str], ...]
    description: str = ""
    # Sources only: a snapshot source replaces its table with the latest complete batch.
    snapshot: bool = False
    allow_empty_snapshot: bool = False
    # Incremental models: the key their builds can be restricted to, and how each input's
    # changed rows become affected keys (None: every build rewrites the whole table).
    scope: KeyScope | None = None
    tags: tuple[str, ...] = ()  # models: their spec's tags (`--select tag:x`)
    freshness: FreshnessInfo | None = None  # sources: `elt freshness` thresholds
    # Columns whose changed values are kept for the key paths of readers (elt.changed_values).
    kept_values: tuple[str, ...] = ()
    # Models: the column their builds record changed rows by in elt.model_changes ('' : none;
    # then a build of it rebuilds its readers whole).
    changes_by: str = ""
    whole_because: str = ""  # an incremental model whose builds are never restricted to keys: why
    # (spec, column) its relationships checks read (itself excluded)
    check_parents: tuple[tuple[str, str], ...] = ()
    # an SCD2 model: its table holds history its inputs may no longer hold (a table made anew
    # takes its versions along where it can, and says what it cannot)
    keeps_history: bool = False
    surrogate_key: str = ""  # an SCD2 model's version key column (MD5 of its business key and valid_from)
    # a model table's PRIMARY KEY as its spec declares it (the grain; plus valid_from under SCD2),
    # on targets whose tables declare one (not DuckDB: Dialect.declare_primary_keys)
    primary_key: tuple[str, ...] = ()

    def fingerprint(self, part: str) -> str:
        return dict(self.fingerprints)[part]

    @property
    def table_shape(self) -> str:
        """A model table's columns, keys and physical hints: a build whose table was made for
        another shape recreates it (a table model) or refuses to run (an incremental one). A
        staging table's: the rule its rows were kept by across batches (key, load mode)."""
        return dict(self.fingerprints).get("table", "")

    @property
    def built_from(self) -> str:
        """What a published build is recorded as: its data and its checks. A change to either
        rebuilds the model and audits it again before it is published."""
        return f"{self.fingerprint('data')}+{self.fingerprint('checks')}"


@dataclass(frozen=True)
class StatementInfo:
    sql: str
    purpose: str
    kind: StatementKind = StatementKind.EXEC
    message: str = ""
    per_file: bool = False
    params: tuple[str, ...] = ()
    # What the statement does, recorded by the compiler from its tree (nothing parses SQL text to
    # learn it): the SQL verb (INSERT, MERGE, COPY, CREATE…) and the table it writes or reads.
    verb: str = ""
    table: str = ""
    columns: tuple[str, ...] = ()  # COPY_IN: the columns it lists, read from each file by name


@dataclass(frozen=True)
class CheckInfo:
    name: str
    severity: str
    description: str
    count_sql: str
    sample_sql: str


@dataclass(frozen=True)
class StepInfo:
    id: str
    kind: StepKind
    spec: str | None
    depends_on: tuple[str, ...]
    transactional: bool
    params: tuple[str, ...]
    statements: tuple[StatementInfo, ...]
    checks: tuple[CheckInfo, ...] = ()
    load_method: LoadMethod | None = None  # load steps: how the warehouse reads the batch's files
    # incremental builds: drop + create, for `--full` after drift; loads: the same, for a reload
    # from the lake after a change the staging table cannot follow in place
    recreate: tuple[StatementInfo, ...] = ()
    # loads: the batch's rejected rows into the rejects table, run in the load's transaction when
    # the batch has rejects files
    rejects: tuple[StatementInfo, ...] = ()
    # builds of a model with a key scope: the same build restricted to the keys its inputs'
    # changes affect (run when the runner can tell them; else `statements` rebuild it whole)
    scoped: tuple[StatementInfo, ...] = ()
    # builds that can take a new column in place: column → its ALTER TABLE … ADD COLUMN
    add_columns: tuple[ColumnAddition, ...] = ()
    # checks: the same checks on a scoped build's rewritten rows (their counts are `scoped`)
    scoped_checks: tuple[CheckInfo, ...] = ()
    # loads: empty the table in place for a reload from the lake (grants and views on it stay);
    # time_range builds: empty the table for a --full run
    clear: tuple[StatementInfo, ...] = ()
    # builds: after `recreate` (which drops the pipeline's views reading the table first, where
    # views bind to it), those views made again, in the same transaction
    restore: tuple[StatementInfo, ...] = ()
    # loads and builds: every model downstream marked stale (model_builds), in the step's transaction
    invalidate: tuple[StatementInfo, ...] = ()

    def addition(self, column: str) -> StatementInfo | None:
        return next((a.statement for a in self.add_columns if a.column == column), None)


@dataclass(frozen=True)
class ColumnAddition:
    column: str
    statement: StatementInfo


@dataclass(frozen=True)
class ColumnUpgrade:
    """A framework column newer than its table (a framework table's, or the row counter of a
    staging or model table): added (and backfilled) where it is missing."""

    table: str  # schema.table
    column: str
    statements: tuple[StatementInfo, ...]


@dataclass(frozen=True)
class PipelineInfo:
    name: str
    description: str
    owner: str
    tags: tuple[str, ...]
    schedule: str
    start_date: str
    catchup: bool
    default_target: str
    targets: tuple[AnyTarget, ...]  # as pipeline.yml declares them (framework.settings resolves them)
    source_fingerprint: str  # of every spec file's bytes: tells a cached manifest is stale


@dataclass(frozen=True)
class Manifest:
    manifest_version: int
    framework_version: str
    target: str
    pipeline: PipelineInfo
    specs: tuple[SpecInfo, ...]
    steps: tuple[StepInfo, ...]
    internal: tuple[StatementInfo, ...] = ()  # the runner's queries on the framework tables (purpose = name)
    upgrades: tuple[ColumnUpgrade, ...] = ()  # framework columns newer than their table

    def internal_sql(self, name: InternalQuery) -> StatementInfo:
        return next(s for s in self.internal if s.purpose == name)

    def spec(self, name: str) -> SpecInfo | None:
        return next((s for s in self.specs if s.name == name), None)

    def downstream(self, name: str) -> tuple[str, ...]:
        """Every model that reads `name`, directly or through other models, in manifest order."""
        found: set[str] = {name}
        for spec in self.specs:  # specs are in dependency order: one pass closes the set
            if spec.kind is SpecKind.MODEL and found.intersection(spec.depends_on):
                found.add(spec.name)
        return tuple(s.name for s in self.specs if s.name in found and s.name != name)

    def step(self, step_id: str) -> StepInfo | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def to_json(self) -> str:
        return json.dumps(_plain(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        from framework.errors import CompileError

        data = json.loads(text)
        if not isinstance(data, dict):
            raise CompileError(f"not a manifest: a JSON {type(data).__name__}, not an object")
        if data.get("manifest_version") != MANIFEST_VERSION:
            raise CompileError(
                f"manifest version {data.get('manifest_version')!r} is not {MANIFEST_VERSION}; recompile"
            )
        try:
            return _load(cls, data)
        except KeyError as err:
            raise CompileError(f"not a whole manifest: it lacks {err}") from None


@functools.cache
def _fields_of(cls) -> tuple[tuple[str, object], ...]:
    """(name, type) of a dataclass's fields; resolving string annotations is slow, so once per class."""
    import typing

    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


def _plain(value):
    """A dataclass tree as json data; a target also writes its `type`, which picks its class back."""
    if hasattr(value, "__dataclass_fields__"):
        plain = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(getattr(type(value), "type", None), TargetType):
            plain["type"] = type(value).type.value
        return plain
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _load(cls, data):
    """Rebuild nested frozen dataclasses from json (lists become tuples)."""
    return _converter(cls)(data)


@functools.cache
def _converter(hint):
    """The function that rebuilds a json value as `hint`, made once per type: a manifest holds
    thousands of values, and reading the type hints again for each cost an idle run 0.04 s."""
    import types
    import typing

    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda value: tuple(item(v) for v in value)
        items = tuple(_converter(a) for a in args)
        return lambda value: tuple(convert(v) for convert, v in zip(items, value))
    if origin in (typing.Union, types.UnionType):
        first = _converter(next(a for a in typing.get_args(hint) if a is not type(None)))
        return functools.partial(_optional, first)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        members = tuple((name, _converter(field_hint)) for name, field_hint in _fields_of(hint))
        return lambda data: hint(**{name: convert(data[name]) for name, convert in members})
    return _same


def _optional(convert, value):
    if value is None:
        return None
    if isinstance(value, dict) and "type" in value and TargetType(value["type"]) in TARGET_CLASSES:
        return _load(TARGET_CLASSES[TargetType(value["type"])], value)
    return convert(value)


def _same(value):
    return value
