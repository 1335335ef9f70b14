"""A run finds its new lake files without reading every byte of history: a file's sha256 is
kept with its size and modification time and reused while both are unchanged."""

from __future__ import annotations

import hashlib
import os

import pytest

from framework.lake import local
from framework.lake.local import CHECKSUMS, LocalLake


@pytest.fixture
def hashed(monkeypatch):
    """The paths hashed (the lake module's sha256_of, counted)."""
    calls: list[str] = []
    real = local.sha256_of

    def counting(path: str) -> str:
        calls.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(local, "sha256_of", counting)
    return calls


def put(root, name: str, data: bytes, day: str = "2024-01-01"):
    path = root / "shop" / "orders" / f"batch_date={day}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def digests(lake: LocalLake) -> dict[str, str]:
    return {os.path.basename(f.path): f.checksum for f in lake.list_files("shop", "orders")}


def test_a_second_listing_reuses_the_checksums_and_a_new_file_alone_is_hashed(tmp_path, hashed):
    put(tmp_path, "a.parquet", b"first file")
    put(tmp_path, "b.parquet", b"second file", "2024-01-02")
    assert digests(LocalLake(str(tmp_path))) == {
        "a.parquet": hashlib.sha256(b"first file").hexdigest(),
        "b.parquet": hashlib.sha256(b"second file").hexdigest(),
    }
    assert sorted(hashed) == ["a.parquet", "b.parquet"] and (tmp_path / "shop" / CHECKSUMS).is_file()
    hashed.clear()
    put(tmp_path, "c.parquet", b"third", "2024-01-03")
    assert set(digests(LocalLake(str(tmp_path)))) == {"a.parquet", "b.parquet", "c.parquet"}  # another process
    assert hashed == ["c.parquet"]


def test_a_file_rewritten_with_other_bytes_of_the_same_size_is_hashed_again(tmp_path, hashed):
    path = put(tmp_path, "a.parquet", b"AAAA")
    before = digests(LocalLake(str(tmp_path)))["a.parquet"]
    stamp = os.stat(path).st_mtime_ns
    path.write_bytes(b"BBBB")
    os.utime(path, ns=(stamp + 1_000, stamp + 1_000))  # however coarse the file system's clock
    hashed.clear()
    after = digests(LocalLake(str(tmp_path)))["a.parquet"]
    assert hashed == ["a.parquet"] and after == hashlib.sha256(b"BBBB").hexdigest() != before


def test_a_damaged_checksum_file_only_costs_hashing_again(tmp_path, hashed):
    put(tmp_path, "a.parquet", b"data")
    digests(LocalLake(str(tmp_path)))
    (tmp_path / "shop" / CHECKSUMS).write_text("{not json")
    hashed.clear()
    assert digests(LocalLake(str(tmp_path))) == {"a.parquet": hashlib.sha256(b"data").hexdigest()}
    assert hashed == ["a.parquet"]


def test_describe_shares_the_checksums_so_ingest_hashes_a_file_the_run_does_not(tmp_path, hashed):
    path = put(tmp_path, "a.parquet", b"written by ingest")
    assert LocalLake(str(tmp_path)).describe(str(path)).checksum == hashlib.sha256(b"written by ingest").hexdigest()
    hashed.clear()
    digests(LocalLake(str(tmp_path)))
    assert hashed == []
