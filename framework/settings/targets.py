"""Resolved target settings: what a declared target means on this machine.

Each type knows its derived locations (compile cache, lake, landing, a label for people), so
no caller computes a path of its own. Stdlib only: the DAG file builds these at parse time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import ClassVar

from framework.spec.targets import TargetType


def _cache_beside(project_dir: str) -> str:
    """Where a server target's compiled manifests are cached: the project's warehouse folder."""
    return os.path.join(project_dir, "warehouse", ".elt")


@dataclass(frozen=True)
class LocalSettings:
    """DuckDB file + lake folder (absolute paths)."""

    pipeline: str
    name: str
    project_dir: str
    database: str
    lake: str
    landing: str | None = None
    type: ClassVar[TargetType] = TargetType.LOCAL

    @property
    def cache_dir(self) -> str:
        """Compiled manifests live beside the warehouse file they were run against."""
        return os.path.join(os.path.dirname(self.database), ".elt")

    @property
    def label(self) -> str:
        return self.database

    @property
    def landing_folder(self) -> str:
        """Where scheduled ingests look: `landing`, else `<project>/landing`."""
        return self.landing or os.path.join(self.project_dir, "landing")

    def with_paths(self, database: str | None = None, lake: str | None = None) -> LocalSettings:
        """The same target with the command line's --warehouse / --lake (resolved against the cwd)."""
        return replace(
            self,
            database=os.path.abspath(database) if database else self.database,
            lake=os.path.abspath(lake) if lake else self.lake,
        )


@dataclass(frozen=True)
class PostgresSettings:
    """A PostgreSQL server + lake folder. The password comes from the variable `password_env` names."""

    pipeline: str
    name: str
    project_dir: str
    dbname: str
    lake: str
    host: str = "localhost"
    port: int = 5432
    user: str | None = None
    password_env: str | None = None
    landing: str | None = None
    type: ClassVar[TargetType] = TargetType.POSTGRES

    @property
    def cache_dir(self) -> str:
        return _cache_beside(self.project_dir)

    @property
    def label(self) -> str:
        return f"postgresql://{self.host}:{self.port}/{self.dbname}"

    @property
    def landing_folder(self) -> str:
        """Where scheduled ingests look: `landing`, else `<project>/landing`."""
        return self.landing or os.path.join(self.project_dir, "landing")

    def with_paths(self, database: str | None = None, lake: str | None = None) -> PostgresSettings:
        return replace(self, lake=os.path.abspath(lake)) if lake else self


@dataclass(frozen=True)
class RedshiftSettings:
    """Redshift Serverless + S3 lake; credentials from IAM, the COPY role from `iam_role_arn_env`."""

    pipeline: str
    name: str
    project_dir: str
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

    @property
    def cache_dir(self) -> str:
        return _cache_beside(self.project_dir)

    @property
    def label(self) -> str:
        return f"redshift-serverless://{self.workgroup}/{self.database}"

    @property
    def landing_location(self) -> tuple[str, str]:
        """(bucket, prefix) where landing files arrive: `landing_prefix`, else `<s3_prefix>/landing`."""
        if self.landing_prefix:
            return self.s3_bucket, self.landing_prefix.strip("/")
        return self.s3_bucket, "/".join(part for part in (self.s3_prefix.strip("/"), "landing") if part)

    def with_paths(self, database: str | None = None, lake: str | None = None) -> RedshiftSettings:
        return self  # the lake is the bucket; the warehouse is the workgroup


TargetSettings = LocalSettings | PostgresSettings | RedshiftSettings
