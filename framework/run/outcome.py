"""What a run reports: a status per step, its figures and failing checks, and the run's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from framework.compile.manifest import StepKind


class StepStatus(StrEnum):
    OK = "ok"
    WARNED = "warned"  # built, but a warn-severity check found rows
    FAILED = "failed"
    SKIPPED = "skipped"  # an upstream step failed
    UP_TO_DATE = "up to date"
    NOTHING_NEW = "nothing new"


@dataclass
class CheckOutcome:
    name: str
    severity: str
    failures: int
    sample: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


@dataclass
class StepOutcome:
    step: str
    status: StepStatus
    seconds: float = 0.0
    rows_inserted: int | None = None
    rows_updated: int | None = None
    rows_expired: int | None = None
    rows_rejected: int | None = None
    keys_affected: int | None = None  # a scoped build: the keys it recomputed
    seq: int | None = None  # the load's or build's counter: the `_load_seq` / `_build_seq` of its rows
    detail: str = ""
    error: str = ""
    checks: list[CheckOutcome] = field(default_factory=list)
    transient: bool = False  # failed for a passing reason (connection, conflict, capacity): worth a later retry
    kind: StepKind | None = None  # load | build | check: what `step` is, without parsing its id
    run_id: str = ""  # the run that took it: a backlog run batch by batch is one run per batch


@dataclass
class RunResult:
    run_id: str
    pipeline: str
    target: str
    warehouse: str
    compiled: bool
    outcomes: list[StepOutcome] = field(default_factory=list)
    seconds: float = 0.0
    selected: tuple[str, ...] | None = None  # the specs a --select/--exclude run worked on (None: all)
    selection: str = ""  # what was selected, in words
    tables: dict[str, int] = field(default_factory=dict)  # schema.table → rows at the end of the run
    # a backlog's batches run one at a time before the rest (SCD2 history reading a snapshot source)
    batches: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(o.status is not StepStatus.FAILED for o in self.outcomes)
