"""The targets a pipeline.yml declares, as written: one frozen type per kind of target.

Values are kept as the YAML states them (relative paths stay relative); `framework.settings`
resolves them for a machine. Stdlib only: the manifest, and so the DAG file, carries these.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


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
    type: ClassVar[TargetType] = TargetType.LOCAL
    paths: ClassVar[tuple[str, ...]] = ("database", "lake", "landing")  # relative to the project folder


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
    return cls(name=name, **options)
