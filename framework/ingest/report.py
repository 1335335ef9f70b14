"""What ingest reports: per landing file, the rows written and the rows rejected (with why)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reject:
    line: int  # the record's line in a CSV; a Parquet file's row, from 1
    raw: str
    reason: str
    column: str | None = None  # the column that failed, where one did
    parquet: bool = False

    @property
    def place(self) -> str:
        """Where it is, in the words of its file: `line 5` of a CSV, `row 4` of a Parquet file."""
        return f"row {self.line}" if self.parquet else f"line {self.line}"


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
    unmatched: list[str] = field(default_factory=list)  # landing files no source's landing.path matches

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error]
