"""The lake: typed Parquet files per source and batch.

Layout: `<root>/<pipeline>/<source>/batch_date=YYYY-MM-DD/<file>.parquet`, plus rejected
rows under `<root>/<pipeline>/_rejects/<source>/batch_date=YYYY-MM-DD/<file>.parquet`.
A Lake lists, stores and fingerprints files; the local folder implementation is in
`local.py` (pyarrow.fs, so an S3 implementation plugs into the same interface).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LakeFile:
    path: str  # as the warehouse reads it (a local path, or s3://bucket/key)
    size: int
    checksum: str  # sha256 of the bytes locally; the ETag on S3
    batch_date: str  # YYYY-MM-DD from the partition folder


class Lake(Protocol):
    def batch_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str: ...

    def reject_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str: ...

    def put(self, local_path: str, lake_path: str) -> None: ...

    def list_files(self, pipeline: str, source: str) -> list[LakeFile]: ...

    def describe(self, path: str) -> LakeFile | None: ...


def batch_date_of(path: str) -> str:
    for part in path.replace("\\", "/").split("/"):
        if part.startswith("batch_date="):
            return part.split("=", 1)[1]
    return ""
