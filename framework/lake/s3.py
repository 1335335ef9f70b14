"""The lake in S3, over boto3 (DuckDB's httpfs cannot be installed offline, so no SQL engine
reads S3 here: the warehouse's COPY does).

Layout as the local lake, rooted at `s3://<bucket>/<prefix>/lake`. A file's checksum is its
ETag: one plain PUT per file makes it the MD5 of the bytes (under SSE-KMS an opaque value that
still changes with the bytes), and listing returns it for free, so detecting new and changed
files costs one paginated LIST per source. The row count travels as object metadata (`rows`)
so the ledger never downloads a file. A load writes a COPY manifest listing exactly the files
detected, so COPY loads those and nothing that lands meanwhile. Errors become LakeError naming
the operation and location, never a botocore traceback.

Least privilege: every call is an object GET/HEAD/PUT under the prefix or a LIST whose prefix
lies under it, so a role with s3:GetObject/s3:PutObject on `<prefix>/*` and s3:ListBucket on
the condition `s3:prefix` like `<prefix>/*` suffices (terraform/modules/airflow_identity); no
call is bucket-wide (HeadBucket is one).
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
from contextlib import contextmanager

from framework.lake import (
    LakeError,
    LakeFile,
    LakeRecords,
    batch_date_of,
    copy_manifest,
    sha256_of,
)

_MAX_PUT = 5 * 1024**3  # one PUT (and so an MD5 ETag) is limited to 5 GiB
_TAIL = 64 * 1024  # first guess at the Parquet footer's size when the metadata lacks the rows


def landing_key_prefix(landing_prefix: str) -> str:
    """The key prefix of the landing objects: `a/b/` for `a/b` or `/a/b/`, '' for the bucket's root."""
    return landing_prefix.strip("/") + "/" if landing_prefix.strip("/") else ""


def landing_name_matches(name: str, pattern: str) -> bool:
    """Whether an object's path below the landing prefix matches `pattern` as `glob` matches a
    landing folder's files: segment by segment (`*` never crosses a `/`, `**` is a `*`), case
    sensitive, a hidden name (`.x`) only by a segment written with its dot, and never a `.`,
    `..` or empty segment, which no file of a folder has."""
    parts, wanted = name.split("/"), pattern.split("/")
    if len(parts) != len(wanted) or not _plain_segments(parts):
        return False
    return all(
        fnmatch.fnmatchcase(part, glob) and (not part.startswith(".") or glob.startswith("."))
        for part, glob in zip(parts, wanted, strict=True)
    )


def _plain_segments(parts: list[str]) -> bool:
    return all(part not in ("", ".", "..") for part in parts)


class S3Lake(LakeRecords):
    def __init__(self, bucket: str, prefix: str, client, settings: tuple[str | None, str | None] | None = None):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self._settings = settings  # (region, endpoint) when the client came from the default chain

    @property
    def forkable(self) -> bool:
        """Whether a worker process can rebuild this lake (see __getstate__)."""
        return self._settings is not None

    @classmethod
    def from_settings(cls, bucket: str, prefix: str, region: str | None, endpoint_url: str | None = None) -> S3Lake:
        """A client from the default credential chain; `ELT_S3_ENDPOINT_URL` points it at a local S3."""
        import boto3
        from botocore.config import Config

        endpoint_url = endpoint_url or os.environ.get("ELT_S3_ENDPOINT_URL") or None
        config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=10, read_timeout=60)
        return cls(
            bucket,
            prefix,
            boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config),
            settings=(region, endpoint_url),
        )

    @property
    def root(self) -> str:
        return f"s3://{self.bucket}/{self._key('lake')}"

    def __repr__(self) -> str:
        return f"S3Lake({self.root})"

    # -- layout -------------------------------------------------------------------------------
    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def batch_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str:
        return f"s3://{self.bucket}/{self._key('lake', pipeline, source, f'batch_date={batch_date}', name)}"

    def reject_file(self, pipeline: str, source: str, batch_date: str, name: str) -> str:
        return f"s3://{self.bucket}/{self._key('lake', pipeline, '_rejects', source, f'batch_date={batch_date}', name)}"

    # -- the Lake interface -------------------------------------------------------------------
    def put(self, local_path: str, lake_path: str) -> None:
        """Upload in one PUT (so the ETag is the MD5), the row count in the metadata; then
        remove the local file. An object appears whole or not at all."""
        bucket, key = split_s3(lake_path)
        size = os.path.getsize(local_path)
        if size > _MAX_PUT:
            raise LakeError(
                f"S3 put {lake_path}: {size:,} bytes is above the 5 GiB of a single PUT; split the landing file"
            )
        metadata = {"sha256": sha256_of(local_path)}
        if local_path.endswith(".parquet"):
            import pyarrow.parquet as pq

            metadata["rows"] = str(pq.read_metadata(local_path).num_rows)
        existing = self._head(lake_path, "put")
        if existing is not None and existing.get("Metadata", {}).get("sha256") == metadata["sha256"]:
            # The same bytes again (a retried ingest): keep the object, so its ETag — the ledger's
            # checksum — stays the same even where it is not an MD5 (SSE-KMS).
            os.remove(local_path)
            return
        with open(local_path, "rb") as body, self._errors("put", bucket, key):
            self.client.put_object(Bucket=bucket, Key=key, Body=body, ContentLength=size, Metadata=metadata)
        os.remove(local_path)

    def list_files(self, pipeline: str, source: str) -> list[LakeFile]:
        prefix = self._key("lake", pipeline, source) + "/"
        files = []
        with self._errors("list", self.bucket, prefix):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    if obj["Key"].endswith(".parquet"):
                        path = f"s3://{self.bucket}/{obj['Key']}"
                        files.append(LakeFile(path, obj["Size"], obj["ETag"].strip('"'), batch_date_of(obj["Key"])))
        return sorted(files, key=lambda f: f.path)

    def describe(self, path: str) -> LakeFile | None:
        head = self._head(path, "describe")
        if head is None:
            return None
        return LakeFile(path, head["ContentLength"], head["ETag"].strip('"'), batch_date_of(path))

    def verified(self, pipeline: str, files: list[LakeFile]) -> list[LakeFile]:
        """An object's ETag changes with its bytes: the listing already told the truth."""
        return files

    def exists(self, path: str) -> bool:
        return self._head(path, "exists") is not None

    def row_count(self, path: str) -> int:
        head = self._head(path, "row count")
        if head is None:
            raise LakeError(f"S3 row count {path}: no such object")
        rows = head.get("Metadata", {}).get("rows", "")
        if rows.isdigit():
            return int(rows)
        return self._footer_rows(path, head["ContentLength"])

    def _write_record(self, pipeline: str, kind: str, name: str, text: str) -> None:
        """One PUT: the object appears whole or not at all."""
        key = self._key("lake", pipeline, kind, name)
        with self._errors(f"write {kind} record", self.bucket, key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=text.encode(), ContentType="application/json")

    def _remove_record(self, pipeline: str, kind: str, name: str) -> None:
        """One DELETE (S3 answers 204 for a key that is not there)."""
        key = self._key("lake", pipeline, kind, name)
        with self._errors(f"remove {kind} record", self.bucket, key):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def _record_names(self, pipeline: str, kind: str) -> list[str]:
        prefix = self._key("lake", pipeline, kind) + "/"
        with self._errors("list", self.bucket, prefix):
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            return [obj["Key"][len(prefix) :] for page in pages for obj in page.get("Contents", [])]

    def _records(self, pipeline: str, kind: str) -> list[tuple[str, str]]:
        prefix = self._key("lake", pipeline, kind) + "/"
        texts = []
        with self._errors("list", self.bucket, prefix):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    if obj["Key"].endswith(".json"):
                        body = self.client.get_object(Bucket=self.bucket, Key=obj["Key"])["Body"].read()
                        texts.append((f"s3://{self.bucket}/{obj['Key']}", body.decode(errors="replace")))
        return texts

    def write_copy_manifest(self, pipeline: str, source: str, run_id: str, files: list[LakeFile]) -> str:
        key = self._key("manifests", pipeline, source, f"{run_id}.manifest")
        body = json.dumps(copy_manifest(files), indent=2).encode()
        with self._errors("write manifest", self.bucket, key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        return f"s3://{self.bucket}/{key}"

    # -- landing files (ingest pulls them to a temporary folder) ------------------------------
    def list_landing(self, bucket: str, landing_prefix: str, pattern: str) -> list[str]:
        """`s3://` paths of the objects under `landing_prefix` whose path below it matches the
        glob `pattern` as a folder's files match it (`landing_name_matches`): a pattern with a
        `/` reaches into sub-folders, one without matches only the objects directly below."""
        below = f"s3://{bucket}/{landing_key_prefix(landing_prefix)}"
        return [
            below + name for name in self.landing_objects(bucket, landing_prefix) if landing_name_matches(name, pattern)
        ]

    def landing_objects(self, bucket: str, landing_prefix: str) -> list[str]:
        """The path below `landing_prefix` of every object under it, sub-folders included, sorted:
        one listing that every source's pattern is matched against (`landing_name_matches`), and
        what none matches is named as a landing folder's unmatched files are."""
        prefix = landing_key_prefix(landing_prefix)
        found = []
        with self._errors("list landing", bucket, prefix):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                found += [obj["Key"][len(prefix) :] for obj in page.get("Contents", [])]
        return sorted(found)

    def download(self, path: str, local_dir: str, relative: str = "") -> str:
        """Download to `local_dir`, at `relative` (its path below the landing prefix, sub-folders
        kept: two folders' files of one name stay two files) or under the object's own name;
        ingest records it. The file appears whole or not at all."""
        bucket, key = split_s3(path)
        parts = (relative or posixpath.basename(key)).split("/")
        if not _plain_segments(parts):
            raise LakeError(f"S3 download s3://{bucket}/{key}: not a plain relative path {relative!r}")
        target = os.path.join(local_dir, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial = target + ".part"
        try:
            with self._errors("download", bucket, key):
                self.client.download_file(bucket, key, partial)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        return target

    # -- helpers ------------------------------------------------------------------------------
    def _head(self, path: str, operation: str) -> dict | None:
        """head_object, or None when the key does not exist (a missing bucket is an error).

        HEAD of a missing key answers 404 only to a caller whose s3:ListBucket covers the key,
        403 to others, and a bare 404 for a missing bucket too. A listing of exactly the key tells
        them apart with the prefix-scoped s3:ListBucket a least-privilege role has (HeadBucket
        would need s3:ListBucket without an s3:prefix: such a role is denied it)."""
        from botocore.exceptions import ClientError

        bucket, key = split_s3(path)
        with self._errors(operation, bucket, key):
            try:
                return self.client.head_object(Bucket=bucket, Key=key)
            except ClientError as err:
                status = _status(err)
                if status not in (403, 404):
                    raise
                listed = self._listed(bucket, key)  # a missing bucket raises NoSuchBucket here
                if listed and status == 403:
                    raise  # the object is there: reading it is what is denied
        return None

    def _listed(self, bucket: str, key: str) -> bool:
        """Whether the key exists, from one LIST with the key as prefix (its first result is
        the key itself when it exists)."""
        page = self.client.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        return any(obj["Key"] == key for obj in page.get("Contents", []))

    def _bucket_exists(self, bucket: str, key: str) -> bool:
        """A bare 404 (HEAD has no body) means no key or no bucket: a listing at the key says which
        (a denied listing says nothing: keep the 404's own meaning)."""
        from botocore.exceptions import ClientError

        try:
            self._listed(bucket, key)
        except ClientError as err:
            return err.response.get("Error", {}).get("Code") != "NoSuchBucket"
        except Exception:  # noqa: BLE001 - only a hint for the message
            return True
        return True

    def schema(self, path: str):
        """The Arrow schema of a Parquet object, from its footer alone (ranged GETs of its tail)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        bucket, key = split_s3(path)
        tail = self._tail(bucket, key, _TAIL)
        if len(tail) < 12 or tail[-4:] != b"PAR1":
            raise LakeError(f"S3 schema {path}: not a Parquet file")
        footer = int.from_bytes(tail[-8:-4], "little") + 8
        if footer > len(tail):
            tail = self._tail(bucket, key, footer)
        try:
            return pq.read_schema(pa.BufferReader(tail[-footer:]))
        except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
            raise LakeError(f"S3 schema {path}: unreadable Parquet footer ({err})") from None

    def read_columns(self, path: str, names: list[str]):
        """Those columns of a Parquet object, as an Arrow table (the object read whole: asked
        only where a value may not fit the spec, a rare load)."""
        import tempfile

        import pyarrow.parquet as pq

        with tempfile.TemporaryDirectory() as folder:
            local = self.download(path, folder)
            try:
                return pq.read_table(local, columns=names)
            except (OSError, ValueError) as err:
                raise LakeError(f"read {path}: {err}") from None

    def _footer_rows(self, path: str, size: int) -> int:
        """Rows from the Parquet footer, read with ranged GETs of the object's tail."""
        from framework.lake.footer import FooterError, num_rows

        try:
            return num_rows(self._footer(path, "row count", size))
        except FooterError as err:
            raise LakeError(f"S3 row count {path}: unreadable Parquet footer ({err})") from None

    def shape_tag(self, path: str) -> str | None:
        """The shape tag a lake object's footer carries; None for one written before tags."""
        from framework.lake.arrow import SHAPE_KEY
        from framework.lake.footer import FooterError, key_value_metadata

        try:
            tag = key_value_metadata(self._footer(path, "footer")).get(SHAPE_KEY)
        except FooterError as err:
            raise LakeError(f"S3 footer {path}: unreadable Parquet footer ({err})") from None
        return tag.decode("utf-8", "replace") if tag is not None else None

    def _footer(self, path: str, operation: str, size: int | None = None) -> bytes:
        """The serialized Parquet footer of an object (without its length and magic), read with
        ranged GETs of its tail: one when the footer fits the first."""
        bucket, key = split_s3(path)
        tail = self._tail(bucket, key, _TAIL if size is None else min(size, _TAIL))
        if len(tail) < 12 or tail[-4:] != b"PAR1":
            raise LakeError(f"S3 {operation} {path}: not a Parquet file")
        footer = int.from_bytes(tail[-8:-4], "little") + 8
        if footer > len(tail):
            if size is not None and footer > size or len(tail) < _TAIL:
                raise LakeError(f"S3 {operation} {path}: corrupt Parquet footer")
            tail = self._tail(bucket, key, footer)
        return tail[-footer:-8]

    def _tail(self, bucket: str, key: str, length: int) -> bytes:
        with self._errors("read footer", bucket, key):
            return self.client.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{length}")["Body"].read()

    @contextmanager
    def _errors(self, operation: str, bucket: str, key: str = ""):
        """botocore errors → LakeError naming the operation and location (`from None`: the
        chained traceback would show request internals)."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        where = f"s3://{bucket}/{key}"
        try:
            yield
        except ClientError as err:
            raise LakeError(f"S3 {operation} {where}: {self._explain(err, bucket, key)}") from None
        except NoCredentialsError:
            raise LakeError(
                f"S3 {operation} {where}: no AWS credentials found (environment, profile, "
                "instance role or the Airflow connection)"
            ) from None
        except BotoCoreError as err:
            raise LakeError(f"S3 {operation} {where}: {err}") from None

    def _explain(self, err, bucket: str, key: str) -> str:
        code = str(err.response.get("Error", {}).get("Code", ""))
        message = err.response.get("Error", {}).get("Message", "")
        if code == "NoSuchBucket":
            return f"bucket '{bucket}' does not exist"
        if code in ("AccessDenied", "403", "AllAccessDisabled") or _status(err) == 403:
            return f"access denied to bucket '{bucket}' (check the IAM policy and which credentials are in use)"
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
            return f"the AWS credentials were refused ({code})"
        if code in ("NoSuchKey", "404") or _status(err) == 404:
            if key and self._bucket_exists(bucket, key):
                return "no such object"
            return f"bucket '{bucket}' does not exist"
        return f"{code}: {message}" if message else code

    # -- pickling: ingest hands the lake to forked worker processes -------------------------
    def __getstate__(self) -> dict:
        """A worker rebuilds the lake from its settings with a client of its own (a forked child
        must not share pooled connections). A lake made around a given client (Airflow's hook)
        cannot be rebuilt elsewhere: ingest runs such a lake in one process."""
        if self._settings is None:
            raise TypeError("an S3Lake made around a given client cannot move to another process")
        return {"bucket": self.bucket, "prefix": self.prefix, "settings": self._settings}

    def __setstate__(self, state: dict) -> None:
        region, endpoint = state["settings"]
        rebuilt = S3Lake.from_settings(state["bucket"], state["prefix"], region, endpoint)
        self.__dict__.update(rebuilt.__dict__)


def split_s3(path: str) -> tuple[str, str]:
    if not path.startswith("s3://") or "/" not in path[5:]:
        raise LakeError(f"not an S3 object path (s3://bucket/key): {path}")
    bucket, key = path[5:].split("/", 1)
    return bucket, key


def _status(err) -> int:
    return int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
