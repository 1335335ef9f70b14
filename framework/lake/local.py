"""A lake in a local folder (the S3 lake implements the same interface)."""

from __future__ import annotations

import json
import os

from framework.lake import LakeFile, LakeRecords, batch_date_of, copy_manifest, sha256_of


class LocalLake(LakeRecords):
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def batch_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str:
        return os.path.join(self.root, pipeline, source, f"batch_date={batch_date}", name)

    def reject_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str:
        return os.path.join(self.root, pipeline, "_rejects", source, f"batch_date={batch_date}", name)

    def put(self, local_path: str, lake_path: str) -> None:
        """Move a finished file into place atomically: readers never see half a file."""
        os.makedirs(os.path.dirname(lake_path), exist_ok=True)
        os.replace(local_path, lake_path)

    def list_files(self, pipeline: str, source: str) -> list[LakeFile]:
        base = os.path.join(self.root, pipeline, source)
        files = []
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".parquet"):
                    path = os.path.join(folder, name)
                    files.append(LakeFile(path, os.path.getsize(path), sha256_of(path), batch_date_of(path)))
        return files

    def describe(self, path: str) -> LakeFile | None:
        try:
            size = os.path.getsize(path)
            return LakeFile(path, size, sha256_of(path), batch_date_of(path))
        except FileNotFoundError:
            return None

    def row_count(self, path: str) -> int:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows

    def exists(self, path: str) -> bool:
        return os.path.isfile(path)

    def _write_record(self, pipeline: str, kind: str, name: str, text: str) -> None:
        """Atomically: a reader sees the old record or the new one, never half of one."""
        path = os.path.join(self.root, pipeline, kind, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)

    def _records(self, pipeline: str, kind: str) -> list[str]:
        folder = os.path.join(self.root, pipeline, kind)
        texts = []
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            if name.endswith(".json"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    texts.append(handle.read())
        return texts

    def write_copy_manifest(self, pipeline: str, source: str, run_id: str, files: list[LakeFile]) -> str:
        path = os.path.join(self.root, "_manifests", pipeline, source, f"{run_id}.manifest")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(copy_manifest(files), handle, indent=2)
        return path
