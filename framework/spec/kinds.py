"""The kinds a compiled manifest carries too: kept apart from the spec classes so that the
manifest (and the DAG file reading it) imports a few enums, not every spec dataclass."""

from __future__ import annotations

from enum import StrEnum


class SpecKind(StrEnum):
    SOURCE = "source"
    MODEL = "model"
    PIPELINE = "pipeline"


class Materialization(StrEnum):
    TABLE = "table"
    INCREMENTAL = "incremental"
    VIEW = "view"
