"""`elt freshness`: each source's age against the thresholds of its spec (`freshness:
{warn_after: 26h, error_after: 3d}`), as `dbt source freshness` does.

A source's age is the time since its latest file was loaded: `elt.file_ledger.loaded_at`, the
UTC time the run that loaded it committed. Not the batch date: that is a day (a threshold of
26h against a date at midnight would warn every morning before the day's load), and a replayed
or late backfill batch carries an old date on purpose while the pipeline is receiving data.
The latest batch date is reported beside the age. A source never loaded is as old as can be:
it fails its error threshold (or warns with only warn_after). Read-only: no table is created.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from framework.compile.manifest import InternalQuery, Manifest, SpecInfo
from framework.execute.session import Session
from framework.execute.steps import run_statement
from framework.run.state import live_columns
from framework.spec.model import SpecKind

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class FreshnessStatus(StrEnum):
    FRESH = "fresh"
    WARN = "warn"  # past warn_after
    ERROR = "error"  # past error_after: `elt freshness` exits 1, the DAG's freshness task fails
    NO_THRESHOLD = "no threshold"  # the spec sets no freshness


@dataclass(frozen=True)
class SourceFreshness:
    source: str
    status: FreshnessStatus
    loaded_at: datetime.datetime | None  # UTC, naive (as the ledger stores it); None: never loaded
    batch_date: datetime.date | None
    age: datetime.timedelta | None
    warn_after: str | None = None
    error_after: str | None = None


def parse_duration(text: str) -> datetime.timedelta:
    """`30m`, `26h`, `3d` (the source schema's pattern) as a timedelta."""
    found = re.fullmatch(r"([1-9][0-9]*)([mhd])", text)
    if found is None:
        raise ValueError(f"'{text}' is not a duration such as 30m, 26h or 3d")
    return datetime.timedelta(**{_UNITS[found[2]]: int(found[1])})


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def check_freshness(
    manifest: Manifest, conn: Session | None, now: datetime.datetime | None = None
) -> list[SourceFreshness]:
    """Every source of the manifest, in its order, with its status at `now` (UTC, naive); with no
    session (no warehouse file yet), every source never loaded."""
    now = now or utc_now()
    latest = _latest_loads(manifest, conn) if conn is not None else {}
    return [
        _judge(spec, *latest.get(spec.name, (None, None)), now)
        for spec in manifest.specs
        if spec.kind is SpecKind.SOURCE
    ]


def any_error(found: list[SourceFreshness]) -> bool:
    return any(f.status is FreshnessStatus.ERROR for f in found)


def _latest_loads(
    manifest: Manifest, conn: Session
) -> dict[str, tuple[datetime.datetime | None, datetime.date | None]]:
    statement = manifest.internal_sql(InternalQuery.SOURCE_FRESHNESS)
    if statement.table not in live_columns(conn, manifest):  # a warehouse no run has set up yet
        return {}
    rows = run_statement(conn, statement, {"pipeline": manifest.pipeline.name})
    return {source: (_naive(loaded_at), _date(batch_date)) for source, loaded_at, batch_date in rows}


def _naive(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def _date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _judge(
    spec: SpecInfo,
    loaded_at: datetime.datetime | None,
    batch_date: datetime.date | None,
    now: datetime.datetime,
) -> SourceFreshness:
    thresholds = spec.freshness
    warn = thresholds.warn_after if thresholds else None
    error = thresholds.error_after if thresholds else None
    age = now - loaded_at if loaded_at is not None else None
    if warn is None and error is None:
        status = FreshnessStatus.NO_THRESHOLD
    elif error is not None and (age is None or age > parse_duration(error)):
        status = FreshnessStatus.ERROR
    elif warn is not None and (age is None or age > parse_duration(warn)):
        status = FreshnessStatus.WARN
    else:
        status = FreshnessStatus.FRESH
    return SourceFreshness(spec.name, status, loaded_at, batch_date, age, warn, error)
