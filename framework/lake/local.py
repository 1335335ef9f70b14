"""A lake in a local folder (the S3 lake implements the same interface)."""

from __future__ import annotations

import contextlib
import json
import os
import uuid

from framework.lake import LakeError, LakeFile, LakeRecords, batch_date_of, copy_manifest, sha256_of

CHECKSUMS = "_checksums.json"  # per pipeline folder: file path in it → [size, mtime_ns, sha256]


class _Checksums:
    """The sha256 of the pipeline's lake files, reused while a file's size and modification time
    are what they were when it was hashed (git's index does the same): finding a run's new files
    must not read every byte of history. A file rewritten since is hashed again, so a loaded
    file whose bytes changed is still refused. Saved atomically; a lost update (two processes
    at once) or an unwritable lake only costs hashing again."""

    def __init__(self, folder: str):
        self.folder, self.path, self.changed = folder, os.path.join(folder, CHECKSUMS), False
        try:
            with open(self.path, encoding="utf-8") as handle:
                loaded = json.load(handle)
            self.entries: dict[str, list] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def sha256(self, path: str) -> tuple[int, str]:
        """(size, sha256) of the file."""
        stat = os.stat(path)
        key = os.path.relpath(path, self.folder).replace(os.sep, "/")
        known = self.entries.get(key)
        if isinstance(known, list) and len(known) == 3 and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return stat.st_size, str(known[2])
        digest = sha256_of(path)
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return stat.st_size, digest

    def rehash(self, path: str) -> str:
        """The file's sha256 from its bytes, whatever the cache says (and the cache told)."""
        stat = os.stat(path)
        key = os.path.relpath(path, self.folder).replace(os.sep, "/")
        digest = sha256_of(path)
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        if not self.changed:
            return
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(temporary)


class LocalLake(LakeRecords):
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def _checksums(self, pipeline: str) -> _Checksums:
        return _Checksums(os.path.join(self.root, pipeline))

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
        checksums = self._checksums(pipeline)
        files = []
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".parquet"):
                    path = os.path.join(folder, name)
                    size, digest = checksums.sha256(path)
                    files.append(LakeFile(path, size, digest, batch_date_of(path)))
        checksums.save()
        return files

    def describe(self, path: str) -> LakeFile | None:
        inside = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if inside.startswith("../"):  # not a lake file: nothing to remember it by
            return (
                LakeFile(path, os.path.getsize(path), sha256_of(path), batch_date_of(path))
                if os.path.isfile(path)
                else None
            )
        checksums = self._checksums(inside.split("/")[0])
        try:
            size, digest = checksums.sha256(path)
        except FileNotFoundError:
            return None
        checksums.save()
        return LakeFile(path, size, digest, batch_date_of(path))

    def verified(self, pipeline: str, files: list[LakeFile]) -> list[LakeFile]:
        """The files as their bytes are now, hashed again past the size-and-time cache (a file
        damaged in place with its size and time kept fools the cache)."""
        checksums = self._checksums(pipeline)
        found = []
        for lake_file in files:
            with contextlib.suppress(OSError):
                found.append(
                    LakeFile(lake_file.path, lake_file.size, checksums.rehash(lake_file.path), lake_file.batch_date)
                )
        checksums.save()
        return found

    def row_count(self, path: str) -> int:
        from framework.lake.footer import FooterError, row_count_of

        try:
            return row_count_of(path)
        except FooterError as err:
            raise LakeError(f"row count {path}: {err}") from None

    def shape_tag(self, path: str) -> str | None:
        """The shape tag a lake file's footer carries; None for a file written before tags."""
        from framework.lake.arrow import SHAPE_KEY
        from framework.lake.footer import FooterError, key_value_metadata, metadata_of

        try:
            tag = key_value_metadata(metadata_of(path)).get(SHAPE_KEY)
        except (OSError, FooterError) as err:
            raise LakeError(f"footer {path}: {err}") from None
        return tag.decode("utf-8", "replace") if tag is not None else None

    def schema(self, path: str):
        """The Arrow schema of a Parquet file (its footer)."""
        import pyarrow.parquet as pq

        try:
            return pq.read_schema(path)
        except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
            raise LakeError(f"schema {path}: {err}") from None

    def read_columns(self, path: str, names: list[str]):
        """Those columns of a Parquet file, as an Arrow table."""
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path, columns=names)
        except (OSError, ValueError) as err:
            raise LakeError(f"read {path}: {err}") from None

    def exists(self, path: str) -> bool:
        return os.path.isfile(path)

    def _write_record(self, pipeline: str, kind: str, name: str, text: str) -> None:
        """Atomically: a reader sees the old record or the new one, never half of one."""
        path = os.path.join(self.root, pipeline, kind, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"  # two ingests at once never share one
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)

    def _remove_record(self, pipeline: str, kind: str, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.root, pipeline, kind, name))

    def _record_names(self, pipeline: str, kind: str) -> list[str]:
        folder = os.path.join(self.root, pipeline, kind)
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def _records(self, pipeline: str, kind: str) -> list[tuple[str, str]]:
        folder = os.path.join(self.root, pipeline, kind)
        texts = []
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            if name.endswith(".json"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.append((path, handle.read()))
        return texts

    def write_copy_manifest(self, pipeline: str, source: str, run_id: str, files: list[LakeFile]) -> str:
        path = os.path.join(self.root, "_manifests", pipeline, source, f"{run_id}.manifest")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(copy_manifest(files), handle, indent=2)
        return path
