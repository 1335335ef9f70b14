"""The lake: typed Parquet files per source and batch.

Layout: `<root>/<pipeline>/<source>/batch_date=YYYY-MM-DD/<file>.parquet`, plus rejected
rows under `<root>/<pipeline>/_rejects/<source>/batch_date=YYYY-MM-DD/<file>.parquet`.
A Lake lists, stores and fingerprints files and writes the COPY manifest of a load; a local
folder is `local.py`, S3 is `s3.py` (same interface).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from framework.errors import LakeError  # re-exported: lake code raises it

_R = TypeVar("_R")

__all__ = [
    "BatchRecord",
    "Lake",
    "LakeError",
    "LakeFile",
    "LakeRecords",
    "LandingRecord",
    "file_version",
    "lake_key",
    "latest_versions",
]


def lake_key(path: str) -> str:
    """A lake file's identity: `<pipeline>/<source>/batch_date=D/<file>`, the same wherever the
    lake lives (a folder anywhere, or an S3 prefix) — so moving the project or the lake loads
    nothing twice. Also reads the absolute paths older ledgers recorded."""
    return "/".join(path.replace("\\", "/").split("/")[-4:])


def file_version(key: str) -> tuple[str, str]:
    """(the lake file's name without its version, the version): a new version of a landing file
    ingested before is `<name>.v<UTC time of its ingest>.parquet` beside `<name>.parquet`, whose
    version is '' (the first; every later one sorts after it)."""
    import re

    found = re.search(r"\.v(\d{8}T\d{6,})\.parquet$", key)
    if found is None:
        return key, ""
    return key[: found.start()] + ".parquet", found.group(1)


def latest_versions(files: list[LakeFile]) -> tuple[list[LakeFile], list[LakeFile]]:
    """(the latest version of each landing file of a batch, the earlier ones it corrects)."""
    latest: dict[str, LakeFile] = {}
    for lake_file in files:
        name, version = file_version(lake_file.key)
        kept = latest.get(name)
        if kept is None or file_version(kept.key)[1] < version:
            latest[name] = lake_file
    chosen = set(id(f) for f in latest.values())
    return [f for f in files if id(f) in chosen], [f for f in files if id(f) not in chosen]


@dataclass(frozen=True)
class BatchRecord:
    """Written last, in one atomic write, when an ingest of a delivery ends: which files it
    wrote (lake key, rows, checksum) and which failed. `elt run` loads a batch only when its
    record says it is complete — never a batch an ingest is still writing, or one with a refused file."""

    batch_date: str
    complete: bool
    files: tuple[tuple[str, int, str], ...] = ()  # (lake key, rows, checksum)
    failed: tuple[tuple[str, str, str], ...] = ()  # (landing file, why it was refused, its source)

    def to_json(self) -> str:
        return json.dumps(
            {
                "batch_date": self.batch_date,
                "complete": self.complete,
                "files": [list(f) for f in self.files],
                "failed": [list(f) for f in self.failed],
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> BatchRecord:
        data = json.loads(text)
        return cls(
            str(data["batch_date"]),
            bool(data["complete"]),
            tuple((str(k), int(r), str(c)) for k, r, c in data.get("files", [])),
            # a record written before the source was named has ('', …): no source is told apart
            tuple((str(f[0]), str(f[1]), str(f[2]) if len(f) > 2 else "") for f in data.get("failed", [])),
        )


@dataclass(frozen=True)
class LandingRecord:
    """A landing file ingest has consumed: its path relative to the landing root, size and
    checksum, and where it went. The same bytes under the same name are never ingested again."""

    path: str
    size: int
    checksum: str
    batch_date: str
    lake_key: str
    # the versions of the file ingested before this one: (size, checksum, batch date), oldest first
    earlier: tuple[tuple[int, str, str], ...] = ()

    def to_json(self) -> str:
        return json.dumps(vars(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> LandingRecord:
        data = json.loads(text)
        earlier = tuple((int(size), str(checksum), str(day)) for size, checksum, day in data.get("earlier", []))
        return cls(
            str(data["path"]),
            int(data["size"]),
            str(data["checksum"]),
            str(data["batch_date"]),
            str(data["lake_key"]),
            earlier,
        )

    def retried(self, size: int, checksum: str, batch_date: str) -> bool:
        """Whether an earlier version with these bytes came in this very batch: the same delivery
        again (an ingest retried after the next version came), not a new one. The same bytes in
        another batch are a file sent back as it was: new data."""
        return (size, checksum, batch_date) in self.earlier

    def superseded_by(self, size: int, checksum: str, batch_date: str, lake_key: str) -> LandingRecord:
        """The record of a new version of the file, remembering this one."""
        earlier = (*self.earlier, (self.size, self.checksum, self.batch_date))
        return LandingRecord(self.path, size, checksum, batch_date, lake_key, earlier)

    @property
    def name(self) -> str:
        """The record's own file name in the lake: one per landing path."""
        import hashlib

        return hashlib.sha256(self.path.encode()).hexdigest()[:32] + ".json"


class LakeRecords:
    """The records ingest keeps beside the data (batch and landing records), for any lake that
    can write and read a small JSON document atomically (`_write_record`, `_records`)."""

    def _write_record(self, pipeline: str, kind: str, name: str, text: str) -> None:
        raise NotImplementedError

    def _records(self, pipeline: str, kind: str) -> list[tuple[str, str]]:
        raise NotImplementedError

    def _record_names(self, pipeline: str, kind: str) -> list[str]:
        """The records' names alone (one listing, nothing read)."""
        raise NotImplementedError

    def _remove_record(self, pipeline: str, kind: str, name: str) -> None:
        """Remove a record if it is there."""
        raise NotImplementedError

    def batch_dates(self, pipeline: str) -> set[str]:
        """The batches that have a record, without reading them."""
        return _named(self._record_names(pipeline, "_batches"), ".json")

    def incomplete_batches(self, pipeline: str) -> set[str]:
        """The batches an ingest left incomplete (a file refused) that no run has passed over, by
        the mark beside their record: listed, not read. A run reads these records even when it
        loaded the batch before the refusal came (a second delivery of the day), so that a
        refused file is never passed over in silence (adversarial round 41)."""
        return _named(self._record_names(pipeline, "_batches"), INCOMPLETE_MARK)

    def write_batch_record(self, pipeline: str, record: BatchRecord) -> None:
        """The record, and the mark of an incomplete batch: set before the record says so,
        removed after it no longer does (a crash between leaves a mark the record contradicts,
        which a run ignores, never a refusal without its mark)."""
        name = f"batch_date={record.batch_date}"
        if not record.complete:
            self._write_record(pipeline, "_batches", name + INCOMPLETE_MARK, "")
        self._write_record(pipeline, "_batches", name + ".json", record.to_json())
        # listed first: a lake whose marks are never set (every batch complete) deletes nothing
        if record.complete and record.batch_date in self.incomplete_batches(pipeline):
            self._remove_record(pipeline, "_batches", name + INCOMPLETE_MARK)

    def pass_over(self, pipeline: str, batch_date: str) -> None:
        """A run let the incomplete batch through (--allow-partial): its mark goes, its record stays."""
        self._remove_record(pipeline, "_batches", f"batch_date={batch_date}{INCOMPLETE_MARK}")

    def batch_records(self, pipeline: str) -> dict[str, BatchRecord]:
        records = self._parsed(pipeline, "_batches", BatchRecord.from_json)
        return {record.batch_date: record for record in records}

    def write_landing_record(self, pipeline: str, record: LandingRecord) -> None:
        self._write_record(pipeline, "_landing", record.name, record.to_json())

    def landing_records(self, pipeline: str) -> dict[str, LandingRecord]:
        records = self._parsed(pipeline, "_landing", LandingRecord.from_json)
        return {record.path: record for record in records}

    def _parsed(self, pipeline: str, kind: str, parse: Callable[[str], _R]) -> list[_R]:
        """Every record of `kind`; a damaged one (a hand edit, a bad copy) is named, not a
        JSONDecodeError: the pipeline waits on it, so the operator must find it."""
        found = []
        for where, text in self._records(pipeline, kind):
            try:
                found.append(parse(text))
            except (ValueError, KeyError, TypeError, IndexError, AttributeError) as err:
                raise LakeError(
                    f"{where}: a damaged lake record ({type(err).__name__}: {err}); restore it, or remove it "
                    "and ingest its batch again"
                ) from None
        return found


INCOMPLETE_MARK = ".incomplete"  # beside `batch_date=D.json`: the batch's latest ingest refused a file


def _named(names: list[str], suffix: str) -> set[str]:
    """The batch dates of the `batch_date=D<suffix>` names among `names`."""
    return {n[len("batch_date=") : -len(suffix)] for n in names if n.startswith("batch_date=") and n.endswith(suffix)}


@dataclass(frozen=True)
class LakeFile:
    path: str  # as the warehouse reads it (a local path, or s3://bucket/key)
    size: int
    checksum: str  # sha256 of the bytes locally; the ETag on S3
    batch_date: str  # YYYY-MM-DD from the partition folder

    @property
    def key(self) -> str:
        """Its identity in the ledger (see lake_key)."""
        return lake_key(self.path)


class Lake(Protocol):
    def batch_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str: ...

    def reject_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str: ...

    def put(self, local_path: str, lake_path: str) -> None: ...

    def list_files(self, pipeline: str, source: str) -> list[LakeFile]: ...

    def describe(self, path: str) -> LakeFile | None: ...

    def verified(self, pipeline: str, files: list[LakeFile]) -> list[LakeFile]: ...

    def row_count(self, path: str) -> int: ...

    def schema(self, path: str): ...  # the Arrow schema of a lake file (its Parquet footer)

    def shape_tag(self, path: str) -> str | None: ...  # the columns it was written for (lake.arrow.shape_tag)

    def read_columns(self, path: str, names: list[str]): ...  # an Arrow table of those columns of a lake file

    def write_batch_record(self, pipeline: str, record: BatchRecord) -> None: ...

    def batch_records(self, pipeline: str) -> dict[str, BatchRecord]: ...

    def batch_dates(self, pipeline: str) -> set[str]: ...

    def incomplete_batches(self, pipeline: str) -> set[str]: ...

    def pass_over(self, pipeline: str, batch_date: str) -> None: ...

    def write_landing_record(self, pipeline: str, record: LandingRecord) -> None: ...

    def landing_records(self, pipeline: str) -> dict[str, LandingRecord]: ...

    def exists(self, path: str) -> bool: ...

    def write_copy_manifest(self, pipeline: str, source: str, run_id: str, files: list[LakeFile]) -> str:
        """Write a Redshift COPY manifest listing exactly `files` (mandatory, with
        content_length as Parquet COPY requires); return its location."""
        ...


def batch_date_of(path: str) -> str:
    for part in path.replace("\\", "/").split("/"):
        if part.startswith("batch_date="):
            return part.split("=", 1)[1]
    return ""


def copy_manifest(files: list[LakeFile]) -> dict:
    """The manifest document: COPY loads exactly these files, and fails if one is missing."""
    return {"entries": [{"url": f.path, "mandatory": True, "meta": {"content_length": f.size}} for f in files]}


def sha256_of(path: str) -> str:
    """The file's sha256, read in blocks (lake files can be large)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
