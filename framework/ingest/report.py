"""What ingest reports: per landing file, the rows written and the rows rejected (with why)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reject:
    line: int
    raw: str
    reason: str
    column: str | None = None  # the column that failed, where one did


@dataclass
class FileResult:
    source: str
    landing_path: str
    lake_path: str = ""
    rows: int = 0
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    skipped: str = ""  # why it was not read again (its bytes were ingested before)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error]
