"""Resolved target settings: what a declared target means on this machine.

Each resolved type *is* its declared target (same fields, paths made absolute against the
project folder) plus the pipeline's name and the project folder, and it knows its derived
locations (compile cache, lake, landing, a label for people), so no caller computes a path of
its own. Stdlib only: the DAG file builds these at parse time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from framework.spec.targets import LocalTarget, PostgresTarget, RedshiftTarget, TargetType, fixed_memory_bytes


def _cache_beside(project_dir: str) -> str:
    """Where a server target's compiled manifests are cached: the project's warehouse folder."""
    return os.path.join(project_dir, "warehouse", ".elt")


# DuckDB's own default is 80 % of RAM: on a laptop it takes what it likes (the README's factor-10
# benchmark load peaked at 2.8 GiB). 1.5 GB bounds DuckDB's buffer pool (it spills to disk past
# it), which keeps a whole process under 2 GiB with Python, Arrow and the allocator's slack on
# top (1.6 GiB measured for that load's `elt run`); 80 % of RAM still caps it on a smaller machine.
DEFAULT_DUCKDB_MEMORY = 1_500_000_000


def physical_memory() -> int | None:
    """This machine's RAM in bytes (None where the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def memory_bytes(text: str) -> int:
    """A pipeline.yml memory size (`1.5GB`, `800MiB`, `25%` of RAM; the schema checked its form) in bytes."""
    fixed = fixed_memory_bytes(text)
    if fixed is not None:
        return fixed
    ram = physical_memory()
    return int(float(text.strip()[:-1]) / 100 * ram) if ram else DEFAULT_DUCKDB_MEMORY


def default_duckdb_memory() -> int:
    """DEFAULT_DUCKDB_MEMORY, or 80 % of RAM (DuckDB's own default) when that is less."""
    ram = physical_memory()
    return min(DEFAULT_DUCKDB_MEMORY, int(ram * 0.8)) if ram else DEFAULT_DUCKDB_MEMORY


@dataclass(frozen=True, kw_only=True)
class _Resolved:
    pipeline: str  # the pipeline's name
    project_dir: str  # the anchor the declared relative paths were resolved against

    @property
    def duckdb_memory(self) -> int:
        """Bytes this machine's DuckDB may use for the target: ingest's workers together (every
        target ingests with DuckDB) and, for a local target, the warehouse's session."""
        return default_duckdb_memory()


@dataclass(frozen=True, kw_only=True)
class LocalSettings(_Resolved, LocalTarget):
    """DuckDB file + lake folder (absolute paths)."""

    @property
    def cache_dir(self) -> str:
        """Compiled manifests live beside the warehouse file they were run against."""
        return os.path.join(os.path.dirname(self.database), ".elt")

    @property
    def label(self) -> str:
        return self.database

    @property
    def duckdb_memory(self) -> int:
        return memory_bytes(self.memory_limit) if self.memory_limit else default_duckdb_memory()

    @property
    def landing_folder(self) -> str:
        """Where scheduled ingests look: `landing`, else `<project>/landing`."""
        return self.landing or os.path.join(self.project_dir, "landing")

    def landing_for(self, batch_date: str) -> str:
        """The landing folder of one batch: `{batch_date}` in it is the date (see dated_landing)."""
        return dated_landing(self.landing_folder, batch_date)

    def landing_dated_part(self, batch_date: str) -> str:
        return dated_part(self.landing_folder, batch_date)

    def with_paths(self, database: str | None = None, lake: str | None = None) -> LocalSettings:
        """The same target with the command line's --warehouse / --lake (resolved against the cwd)."""
        return replace(
            self,
            database=os.path.abspath(database) if database else self.database,
            lake=os.path.abspath(lake) if lake else self.lake,
        )


@dataclass(frozen=True, kw_only=True)
class PostgresSettings(_Resolved, PostgresTarget):
    """A PostgreSQL server + lake folder. The password comes from the variable `password_env` names."""

    @property
    def cache_dir(self) -> str:
        return _cache_beside(self.project_dir)

    @property
    def label(self) -> str:
        """A libpq connection URI without the password: `postgresql://user@host:port/db`; a
        Unix-socket directory goes in the query (`postgresql://user@/db?host=/run/pg&port=5432`)."""
        from urllib.parse import quote

        user = f"{quote(self.user, safe='')}@" if self.user else ""
        database = quote(self.dbname, safe="")
        if self.host.startswith("/"):
            return f"postgresql://{user}/{database}?host={quote(self.host, safe='/')}&port={self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"postgresql://{user}{host}:{self.port}/{database}"

    @property
    def landing_folder(self) -> str:
        """Where scheduled ingests look: `landing`, else `<project>/landing`."""
        return self.landing or os.path.join(self.project_dir, "landing")

    def landing_for(self, batch_date: str) -> str:
        """The landing folder of one batch: `{batch_date}` in it is the date (see dated_landing)."""
        return dated_landing(self.landing_folder, batch_date)

    def landing_dated_part(self, batch_date: str) -> str:
        return dated_part(self.landing_folder, batch_date)

    def with_paths(self, database: str | None = None, lake: str | None = None) -> PostgresSettings:
        return replace(self, lake=os.path.abspath(lake)) if lake else self


@dataclass(frozen=True, kw_only=True)
class RedshiftSettings(_Resolved, RedshiftTarget):
    """Redshift Serverless + S3 lake; credentials from IAM, the COPY role from `iam_role_arn_env`."""

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

    def landing_location_for(self, batch_date: str) -> tuple[str, str]:
        """(bucket, prefix) of one batch's landing objects: `{batch_date}` in it is the date."""
        bucket, prefix = self.landing_location
        return bucket, dated_landing(prefix, batch_date)

    def landing_dated_part(self, batch_date: str) -> str:
        return dated_part(self.landing_location[1], batch_date)

    def with_paths(self, database: str | None = None, lake: str | None = None) -> RedshiftSettings:
        return self  # the lake is the bucket; the warehouse is the workgroup


TargetSettings = LocalSettings | PostgresSettings | RedshiftSettings

BATCH_DATE_PLACEHOLDER = "{batch_date}"


def dated_part(location: str, batch_date: str) -> str:
    """What a dated landing location adds under its root for one date (`landing/{batch_date}` →
    `2024-01-02/`): the landing files of different days are told apart by it, so a day's file with
    the same name (and bytes) as an earlier day's is a delivery of its own. '' when not dated."""
    if BATCH_DATE_PLACEHOLDER not in location:
        return ""
    return (
        location[location.index(BATCH_DATE_PLACEHOLDER) :].replace(BATCH_DATE_PLACEHOLDER, batch_date).strip("/") + "/"
    )


def dated_landing(location: str, batch_date: str) -> str:
    """A landing location whose deliveries are filed per day (`landing/{batch_date}`): a scheduled
    run reads the folder (prefix) of its logical date only, so re-running or backfilling a date
    ingests that day's files under it; without the placeholder, every run reads the one folder."""
    return location.replace(BATCH_DATE_PLACEHOLDER, batch_date)


RESOLVED: dict[TargetType, type[TargetSettings]] = {
    TargetType.LOCAL: LocalSettings,
    TargetType.POSTGRES: PostgresSettings,
    TargetType.REDSHIFT: RedshiftSettings,
}
