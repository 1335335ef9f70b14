"""The targets a pipeline.yml declares, as written: one frozen type per kind of target.

Values are kept as the YAML states them (relative paths stay relative); `framework.settings`
resolves them for a machine. Stdlib only: the manifest, and so the DAG file, carries these.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

# A memory size as DuckDB reads one (1.5GB, 800MiB), or a share of RAM: pipeline.v1.json's pattern
MEMORY_PATTERN = r"^([0-9]+(\.[0-9]+)?\s*[kKmMgGtT][iI]?[bB]|(100|[1-9][0-9]?)%)$"
_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
# Below this DuckDB cannot read one small file: its CSV reader alone buffers about 32 MiB per
# thread (64MB failed a one-row file on these machines, 100MB read it).
MIN_DUCKDB_MEMORY = 128 * 2**20
MAX_DUCKDB_MEMORY = 2**63 - 1  # DuckDB refuses a larger value ("Memory value out of range")


def fixed_memory_bytes(text: str) -> int | None:
    """A memory size in bytes (`1.5GB`, `800MiB`; MEMORY_PATTERN checked its form), or None for a
    share of RAM (`25%`), which only the machine running it can size."""
    value = text.strip().lower()
    if value.endswith("%"):
        return None
    number = value.rstrip("kmgtib").strip()
    return int(float(number) * _UNITS[value[len(number) :].strip()])


class TargetType(StrEnum):
    LOCAL = "local"  # DuckDB file + lake folder
    POSTGRES = "postgres"  # PostgreSQL server + lake folder
    REDSHIFT = "redshift"  # Redshift Serverless + S3 lake

    @property
    def dialect(self) -> str:
        """The SQL dialect (compile target) its warehouse speaks."""
        return "duckdb" if self is TargetType.LOCAL else self.value


@dataclass(frozen=True)
class LocalTarget:
    name: str
    database: str
    lake: str
    landing: str | None = None
    memory_limit: str | None = None  # DuckDB's memory: "1.5GB", "800MiB" or "25%" of RAM; None: the default
    threads: int | None = None  # DuckDB's worker threads; None: one per core
    type: ClassVar[TargetType] = TargetType.LOCAL
    paths: ClassVar[tuple[str, ...]] = ("database", "lake", "landing")  # relative to the project folder

    def __post_init__(self) -> None:
        """A value no DuckDB session could take is a ValueError: resolving the target then runs the
        schema validation, whose positioned message says why (E105)."""
        if self.memory_limit is not None and not re.match(MEMORY_PATTERN, str(self.memory_limit)):
            raise ValueError(f"memory_limit {self.memory_limit!r}")
        if self.threads is not None and (type(self.threads) is not int or self.threads < 1):
            raise ValueError(f"threads {self.threads!r}")


@dataclass(frozen=True)
class PostgresTarget:
    name: str
    dbname: str
    lake: str
    host: str = "localhost"
    port: int = 5432
    user: str | None = None
    password_env: str | None = None  # the variable's name; the password never lives in YAML
    landing: str | None = None
    type: ClassVar[TargetType] = TargetType.POSTGRES
    paths: ClassVar[tuple[str, ...]] = ("lake", "landing")


@dataclass(frozen=True)
class RedshiftTarget:
    name: str
    redshift_conn_id: str
    aws_conn_id: str
    s3_bucket: str
    iam_role_arn_env: str
    workgroup: str
    database: str
    s3_prefix: str = ""
    region: str | None = None
    landing_prefix: str | None = None
    type: ClassVar[TargetType] = TargetType.REDSHIFT
    paths: ClassVar[tuple[str, ...]] = ()  # the lake is a bucket, the warehouse a workgroup


AnyTarget = LocalTarget | PostgresTarget | RedshiftTarget
TARGET_CLASSES: dict[TargetType, type[AnyTarget]] = {
    TargetType.LOCAL: LocalTarget,
    TargetType.POSTGRES: PostgresTarget,
    TargetType.REDSHIFT: RedshiftTarget,
}


def declared_target(name: str, entry: dict) -> AnyTarget:
    """A pipeline.yml `targets.<name>` mapping → its typed target. Raises ValueError (unknown
    type) or TypeError (missing or unknown keys); schema validation gives the positioned message."""
    options = dict(entry)
    cls = TARGET_CLASSES[TargetType(options.pop("type"))]
    # YAML's `2.0` where an integer is declared: JSON Schema's "integer" takes it, and so do we
    integers = {f.name for f in dataclasses.fields(cls) if str(f.type).startswith("int")}
    for key, value in options.items():
        if key in integers and isinstance(value, float) and value.is_integer():
            options[key] = int(value)
    return cls(name=name, **options)
