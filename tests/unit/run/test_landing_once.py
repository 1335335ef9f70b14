"""Exactly once from landing (issue 12, failure 6): every scheduled ingest used to take the whole
landing folder again under its own date; a landing file's bytes are now ingested once."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


def ingest(workspace: Workspace, folder, batch: str) -> dict:
    done = workspace.cli(
        "ingest", str(workspace.pipeline), "--from", str(folder), "--lake", str(workspace.lake),
        "--batch-date", batch, "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return {f["landing"].rsplit("/", 1)[-1]: f for f in json.loads(done.stdout)["files"]}


def test_a_landing_file_is_ingested_once_however_often_ingest_runs(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(folder)
    first = ingest(workspace, folder, "2024-01-01")
    assert all(f["skipped"] is None and f["rows"] > 0 for f in first.values())
    for day in ("2024-01-02", "2024-01-03"):  # the DAG's next runs: same landing folder, new dates
        again = ingest(workspace, folder, day)
        assert all(f["skipped"] == "already ingested in batch 2024-01-01" for f in again.values()), again
    assert workspace.cli_run("--quiet").returncode == 0
    assert workspace.query("SELECT COUNT(*) FROM elt.file_ledger")[0][0] == 2  # 2 files, once each
    assert workspace.query("SELECT COUNT(*) FROM staging.members")[0][0] == len(GOOD)


def test_new_bytes_under_a_known_name_are_a_new_delivery(tmp_path):
    """Deliveries that reuse file names (Olist's do) are new data when their bytes are new."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(folder)
    ingest(workspace, folder, "2024-01-01")
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD, "4;dee@example.com;gold;Braga;2024-01-02 08:00:00"])
    second = ingest(workspace, folder, "2024-01-02")
    members = second["members_2024-01-01.csv"]
    assert members["skipped"] is None and members["rows"] == len(GOOD) + 1
    assert any("a new version of members_2024-01-01.csv" in note for note in members["notes"])
    assert second["p1.parquet"]["skipped"] == "already ingested in batch 2024-01-01"


def test_an_earlier_version_ingested_again_for_its_own_batch_is_that_delivery_again(tmp_path):
    """Adversarial round 13 (reingest_identical_after_newer_version): a feed reusing its file name,
    day 1's bytes, day 2's, then day 1's ingest retried with day 1's bytes. Ingest compared with
    the latest version only, took them as new data, and an append source loaded them twice. The
    same bytes sent back in a later batch are still new data (a snapshot that returned)."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    landing(day1, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(day1)
    landing(day2, "members_2024-01-01.csv", [HEADER, *GOOD, "4;dee@example.com;gold;Braga;2024-01-02 08:00:00"])
    ingest(workspace, day1, "2024-01-01")
    assert ingest(workspace, day2, "2024-01-02")["members_2024-01-01.csv"]["skipped"] is None
    retried = ingest(workspace, day1, "2024-01-01")["members_2024-01-01.csv"]
    assert retried["skipped"] == (
        "already ingested in batch 2024-01-01 (an earlier version of the file: batch 2024-01-02 brought the latest)"
    ), retried
    assert workspace.cli_run("--quiet").returncode == 0
    assert workspace.query("SELECT COUNT(*) FROM elt.file_ledger WHERE source = 'members'")[0][0] == 2
    sent_back = ingest(workspace, day1, "2024-01-03")["members_2024-01-01.csv"]  # day 1's bytes, a later batch
    assert sent_back["skipped"] is None and sent_back["rows"] == len(GOOD)
    assert any("a new version of members_2024-01-01.csv" in note for note in sent_back["notes"])
