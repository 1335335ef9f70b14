"""Frozen spec objects with closed kinds. No raw dicts exist past the build step.

Each spec keeps its `origin` (file and the positions of its keys), so later layers
can report diagnostics at the exact line and column of the value they question.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from framework.spec.kinds import Materialization, SpecKind
from framework.spec.targets import AnyTarget
from framework.spec.types import PortableType

if TYPE_CHECKING:
    from framework.spec.yaml_io import Document


class Layer(StrEnum):
    STAGING = "staging"
    DIMENSION = "dimension"
    FACT = "fact"
    MART = "mart"


class IncrementalStrategy(StrEnum):
    MERGE = "merge"
    DELETE_INSERT = "delete_insert"
    TIME_RANGE = "time_range"


class LoadMode(StrEnum):
    APPEND = "append"
    UPSERT = "upsert"
    FULL_REFRESH = "full_refresh"


class SchemaDrift(StrEnum):
    FAIL = "fail"
    IGNORE_EXTRA = "ignore_extra"
    ADD_COLUMNS = "add_columns"


class FileFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


class OnConflict(StrEnum):
    KEEP_LAST = "keep_last"  # the latest row of the key loads; the run warns, naming keys
    FAIL = "fail"  # the load is refused
    REJECT = "reject"  # every row of the key goes to the rejects table; none loads


class HardDeletes(StrEnum):
    IGNORE = "ignore"
    INVALIDATE = "invalidate"


class CheckType(StrEnum):
    UNIQUE = "unique"
    NOT_NULL = "not_null"
    RELATIONSHIPS = "relationships"
    ACCEPTED_VALUES = "accepted_values"
    MIN_ROW_COUNT = "min_row_count"
    EXPRESSION = "expression"


class CheckSeverity(StrEnum):
    ERROR = "error"
    WARN = "warn"


# Ingest adds these to every staged row; a source's deduplicate rule may order by them.
INGEST_METADATA_COLUMNS = ("_batch_date", "_source_file", "_source_line")
# An SCD2 model declares these; the framework fills them.
SCD2_MANAGED_COLUMNS = ("valid_from", "valid_to", "is_current")


@dataclass(frozen=True)
class Origin:
    """The file a spec came from, with a lookup of positions by key path."""

    path: str
    positions: Document | None = field(default=None, compare=False, repr=False)

    def locate(self, key_path: tuple, *, key: bool = False) -> tuple[int, int]:
        if self.positions is None:
            return 1, 1
        info = self.positions.where(key_path, key=key)
        return info.line, info.col


@dataclass(frozen=True)
class Column:
    name: str
    type_text: str
    type: PortableType | None  # None when type_text is not a portable type (reported by lint)
    nullable: bool = True
    description: str = ""
    key_path: tuple = ()
    format: str | None = None  # strptime format of a landing date/timestamp column

    @property
    def portable_type(self) -> PortableType:
        """The type, once lint has passed (lint reports a column whose type is not portable)."""
        assert self.type is not None, (
            f"column {self.name}: {self.type_text!r} is not a portable type; run `elt lint` first"
        )
        return self.type


@dataclass(frozen=True)
class Check:
    type: CheckType
    severity: CheckSeverity
    key_path: tuple
    columns: tuple[str, ...] = ()
    to_spec: str = ""
    to_column: str = ""
    values: tuple = ()
    min_rows: int = 0
    name: str = ""
    condition: str = ""

    @property
    def column(self) -> str:
        return self.columns[0] if self.columns else ""


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str = ","
    quote: str = '"'
    header: bool = True
    encoding: str = "utf-8"
    null_markers: tuple[str, ...] = ("",)
    bom: str = "strip"


@dataclass(frozen=True)
class Landing:
    path: str
    format: FileFormat
    csv: CsvOptions = CsvOptions()


@dataclass(frozen=True)
class Deduplicate:
    order_by: tuple[str, ...]
    keep: str = "last"


@dataclass(frozen=True)
class Freshness:
    warn_after: str | None = None
    error_after: str | None = None


@dataclass(frozen=True)
class SqlText:
    """A model's SELECT and where its text starts, to map parser positions back to the file."""

    text: str
    path: str
    line: int  # file line of the SQL's first line
    col: int  # file column of the SQL's first character on each line (block scalars) or of the first line
    block: bool  # True for a sibling .sql file or a YAML block scalar: every line starts at `col`
    # a folded (`>`) or plain scalar: the file position of each character of `text` — YAML folded
    # its line breaks into spaces, so no rule of lines and columns maps an offset back (`folded`)
    spots: tuple[tuple[int, int], ...] = ()

    @classmethod
    def folded(cls, text: str, path: str, file_text: str, line: int, col: int) -> SqlText:
        """`text` as YAML folded it from the scalar starting at `line`:`col` of `file_text`: each
        character is found in order in the file (folding only drops or turns into a space the
        line breaks and indentation between them; plain and folded scalars have no escapes)."""
        starts = [0]
        while (after := file_text.find("\n", starts[-1]) + 1) > 0:  # each line's first offset
            starts.append(after)
        if not 1 <= line <= len(starts):
            return cls(text, path, line, col, block=False)
        spots, at = [], starts[line - 1] + col - 1
        for char in text:
            found = file_text.find(char, at)
            if found < 0:  # not where it was said to start: the first line's rule, as before
                return cls(text, path, line, col, block=False)
            row = bisect.bisect_right(starts, found)
            spots.append((row, found - starts[row - 1] + 1))
            at = found + 1
        return cls(text, path, line, col, block=False, spots=tuple(spots))

    def file_position(self, sql_line: int, sql_col: int) -> tuple[int, int]:
        if self.spots:
            lines = self.text.split("\n")
            offset = sum(len(ln) + 1 for ln in lines[: sql_line - 1]) + sql_col - 1
            return self.spots[max(0, min(offset, len(self.spots) - 1))]
        if self.block:
            return self.line + sql_line - 1, self.col + sql_col - 1
        if sql_line == 1:
            return self.line, self.col + sql_col - 1
        return self.line, self.col


@dataclass(frozen=True)
class SourceSpec:
    name: str
    origin: Origin
    landing: Landing
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    load_mode: LoadMode
    description: str = ""
    deduplicate: Deduplicate | None = None
    schema_drift: SchemaDrift = SchemaDrift.FAIL
    max_reject_fraction: float = 0.01
    freshness: Freshness | None = None
    allow_empty_snapshot: bool = False  # full_refresh: may an empty snapshot replace the table?
    on_conflict: OnConflict = OnConflict.KEEP_LAST  # rows sharing a primary key but differing

    kind = SpecKind.SOURCE

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Keys:
    business: tuple[str, ...] = ()
    surrogate: str | None = None


@dataclass(frozen=True)
class Scd1:
    type = "scd1"


@dataclass(frozen=True)
class Scd2:
    tracked: tuple[str, ...]
    version_start: str
    hard_deletes: HardDeletes = HardDeletes.IGNORE
    type = "scd2"


HISTORY_TYPES = {"scd1": Scd1, "scd2": Scd2}


@dataclass(frozen=True)
class Incremental:
    strategy: IncrementalStrategy
    time_column: str | None = None
    # input → its column holding the model's key, for inputs the SELECT's lineage cannot trace
    # (the author vouches that a changed row of the input affects exactly that key)
    keys_from: tuple[tuple[str, str], ...] = ()

    def key_column_of(self, name: str) -> str | None:
        return next((column for source, column in self.keys_from if source == name), None)


@dataclass(frozen=True)
class RedshiftHints:
    diststyle: str | None = None
    distkey: str | None = None
    sortkey: tuple[str, ...] = ()
    sortkey_style: str = "compound"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    origin: Origin
    layer: Layer
    columns: tuple[Column, ...]
    sql: SqlText | None
    description: str = ""
    owner: str = ""
    tags: tuple[str, ...] = ()
    materialization: Materialization = Materialization.TABLE
    incremental: Incremental | None = None
    depends_on: tuple[str, ...] = ()
    keys: Keys = Keys()
    history: Scd1 | Scd2 | None = None
    redshift: RedshiftHints = RedshiftHints()
    checks: tuple[Check, ...] = ()

    kind = SpecKind.MODEL

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def managed_columns(self) -> tuple[str, ...]:
        """Columns the framework fills, not the SELECT."""
        managed: tuple[str, ...] = (self.keys.surrogate,) if self.keys.surrogate else ()
        if isinstance(self.history, Scd2):
            managed += SCD2_MANAGED_COLUMNS
        return managed


DEFAULT_SCHEMAS = {"staging": "staging", "dimension": "dwh", "fact": "dwh", "mart": "mart", "internal": "elt"}
# the framework's own tables in the internal schema (framework/compile/naming.py defines them):
# no spec's table may be one of them
FRAMEWORK_TABLES = ("file_ledger", "run_log", "rejects", "model_changes", "changed_values", "model_builds")


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    origin: Origin
    owner: str
    schedule: str
    start_date: str
    default_target: str
    targets: tuple[AnyTarget, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    catchup: bool = False
    schemas: tuple[tuple[str, str], ...] = tuple(DEFAULT_SCHEMAS.items())

    kind = SpecKind.PIPELINE

    def schema_for(self, layer: str) -> str:
        return dict(self.schemas)[layer]

    def target(self, name: str) -> AnyTarget | None:
        return next((t for t in self.targets if t.name == name), None)


@dataclass(frozen=True)
class Project:
    """One pipeline folder: its pipeline spec and every source and model spec in it."""

    root: str
    pipeline: PipelineSpec | None
    sources: tuple[SourceSpec, ...]
    models: tuple[ModelSpec, ...]
    # Names of specs that exist but failed to load; references to them are not reported again.
    unbuilt: tuple[str, ...] = ()

    @property
    def specs(self) -> tuple[SourceSpec | ModelSpec, ...]:
        return self.sources + self.models

    def spec(self, name: str) -> SourceSpec | ModelSpec | None:
        return next((s for s in self.specs if s.name == name), None)

    def require(self, name: str) -> SourceSpec | ModelSpec:
        """The spec a graph or plan names: it exists (lint checked every reference)."""
        spec = self.spec(name)
        if spec is None:
            raise KeyError(f"no spec named {name!r} in {self.root}")
        return spec

    @property
    def pipeline_spec(self) -> PipelineSpec:
        """pipeline.yml's spec: compiling needs it (lint reports its absence as E213)."""
        if self.pipeline is None:
            raise KeyError(f"no pipeline.yml in {self.root}")
        return self.pipeline


AnySpec = PipelineSpec | SourceSpec | ModelSpec  # what one spec file builds to
