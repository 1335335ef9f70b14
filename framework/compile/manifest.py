"""manifest.json: the contract between compile, run and the DAGs. Plain data, stdlib json only.

The DAG file reads this (and nothing heavier), so it must stay importable without
sqlglot or jsonschema: this module imports neither.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, fields

MANIFEST_VERSION = 1

# A pipeline.yml target's `type` → the warehouse (compile target) it runs on.
WAREHOUSE_OF_TARGET_TYPE = {"local": "duckdb", "redshift": "redshift", "postgres": "postgres"}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool


@dataclass(frozen=True)
class SpecInfo:
    name: str
    kind: str  # source | model
    layer: str  # staging for sources
    table: str  # schema.table
    materialization: str
    columns: tuple[ColumnInfo, ...]
    depends_on: tuple[str, ...]
    fingerprints: tuple[tuple[str, str], ...]
    description: str = ""

    def fingerprint(self, part: str) -> str:
        return dict(self.fingerprints)[part]


@dataclass(frozen=True)
class StatementInfo:
    sql: str
    purpose: str
    kind: str = "exec"
    message: str = ""
    per_file: bool = False
    params: tuple[str, ...] = ()


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
    kind: str
    spec: str | None
    depends_on: tuple[str, ...]
    transactional: bool
    params: tuple[str, ...]
    statements: tuple[StatementInfo, ...]
    checks: tuple[CheckInfo, ...] = ()


@dataclass(frozen=True)
class TargetInfo:
    name: str
    type: str
    settings: tuple[tuple[str, str], ...]


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
    targets: tuple[TargetInfo, ...]
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

    def internal_sql(self, name: str) -> StatementInfo:
        return next(s for s in self.internal if s.purpose == name)

    def spec(self, name: str) -> SpecInfo | None:
        return next((s for s in self.specs if s.name == name), None)

    def step(self, step_id: str) -> StepInfo | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("manifest_version") != MANIFEST_VERSION:
            raise ValueError(f"manifest version {data.get('manifest_version')!r} is not {MANIFEST_VERSION}; recompile")
        return _load(cls, data)


@functools.cache
def _fields_of(cls) -> tuple[tuple[str, object], ...]:
    """(name, type) of a dataclass's fields; resolving string annotations is slow, so once per class."""
    import typing

    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


def _load(cls, data):
    """Rebuild nested frozen dataclasses from json (lists become tuples)."""
    return cls(**{name: _convert(hint, data[name]) for name, hint in _fields_of(cls)})


def _convert(hint, value):
    import typing

    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else _convert(options[0], value)
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return _load(hint, value)
    return value
