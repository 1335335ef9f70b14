"""Snapshot sources (load_mode full_refresh): the latest complete snapshot replaces the table,
never a union of pending ones, and an empty delivery does not wipe it unless the source says so
(issue 12, failures 2 and 3)."""

from __future__ import annotations

import gzip

from tests.conftest import OLIST
from tests.support.workspace import Workspace

HEADER = "geolocation_zip_code_prefix,geolocation_lat,geolocation_lng,geolocation_city,geolocation_state"


def deliver(folder, name: str, rows: int):
    """A geolocation snapshot of `rows` rows (the source reads gzip or not)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER] + [f"{10000 + i:05d},-23.5,-46.6,sao paulo,SP" for i in range(rows)]
    (folder / name).write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))


def geolocation(workspace: Workspace) -> int:
    return workspace.query("SELECT COUNT(*) FROM staging.geolocation")[0][0]


def load_outcome(result):
    return next(o for o in result.outcomes if o.step == "load:geolocation")


def loaded(outcome) -> bool:
    """A snapshot load that replaced the table: `ok`, or `warned` where an SCD2 model reading it was
    never built from the snapshot before (here Olist's dim_customer, which fails its checks on a
    lone geolocation delivery: the load says its history misses that snapshot)."""
    return outcome.status == "ok" or (
        outcome.status == "warned" and "dim_customer never built from the snapshot this one replaces" in outcome.detail
    )


def test_a_backlog_of_snapshots_loads_only_the_latest(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    deliver(tmp_path / "day1", "olist_geolocation_dataset.csv.gz", 300)
    deliver(tmp_path / "day2", "olist_geolocation_dataset.csv.gz", 20)
    assert not workspace.ingest(tmp_path / "day1", "2018-10-01", only={"geolocation"}).failed
    assert not workspace.ingest(tmp_path / "day2", "2018-10-02", only={"geolocation"}).failed
    outcome = load_outcome(workspace.run())
    assert outcome.status == "ok" and "latest snapshot (batch 2018-10-02) replaced 1 other" in outcome.detail
    assert geolocation(workspace) == 20  # not 320: a backlog never unions snapshots
    again = load_outcome(workspace.run())
    assert again.status == "nothing new" and geolocation(workspace) == 20  # the older one is consumed, not pending


def test_an_empty_snapshot_keeps_the_table_and_says_so(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    deliver(tmp_path / "day1", "olist_geolocation_dataset.csv.gz", 300)
    assert not workspace.ingest(tmp_path / "day1", "2018-10-01", only={"geolocation"}).failed
    workspace.run()
    deliver(tmp_path / "day2", "olist_geolocation_dataset.csv.gz", 0)  # header only
    assert not workspace.ingest(tmp_path / "day2", "2018-10-02", only={"geolocation"}).failed
    outcome = load_outcome(workspace.run())
    assert (
        outcome.status == "warned" and "empty snapshot" in outcome.detail and "allow_empty_snapshot" in outcome.detail
    )
    assert geolocation(workspace) == 300
    assert load_outcome(workspace.run()).status == "nothing new"  # consumed: it is not refused again and again


def test_a_source_may_allow_an_empty_snapshot_to_replace_the_table(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    spec = workspace.pipeline / "sources" / "geolocation.yml"
    spec.write_text(spec.read_text() + "allow_empty_snapshot: true\n")
    deliver(tmp_path / "day1", "olist_geolocation_dataset.csv.gz", 300)
    assert not workspace.ingest(tmp_path / "day1", "2018-10-01", only={"geolocation"}).failed
    workspace.run()
    deliver(tmp_path / "day2", "olist_geolocation_dataset.csv.gz", 0)
    assert not workspace.ingest(tmp_path / "day2", "2018-10-02", only={"geolocation"}).failed
    assert loaded(load_outcome(workspace.run()))
    assert geolocation(workspace) == 0


def test_a_corrected_snapshot_file_replaces_its_first_version_in_the_batch(tmp_path):
    """Adversarial round 13 (snapshot_correction_keeps_removed_rows): a snapshot file corrected and
    sent again under its name for the same batch was read together with its first version, so a
    row the correction removed stayed. The batch is its files as last delivered; `--full` too."""
    workspace = Workspace(tmp_path, OLIST)
    deliver(tmp_path / "first", "olist_geolocation_dataset.csv.gz", 300)
    deliver(tmp_path / "corrected", "olist_geolocation_dataset.csv.gz", 20)
    deliver(tmp_path / "part", "olist_geolocation_dataset_2.csv.gz", 5)  # another file of the batch stays
    for folder in ("first", "part"):
        assert not workspace.ingest(tmp_path / folder, "2018-10-01", only={"geolocation"}).failed
    assert load_outcome(workspace.run()).status == "ok" and geolocation(workspace) == 305
    assert not workspace.ingest(tmp_path / "corrected", "2018-10-01", only={"geolocation"}).failed
    assert loaded(load_outcome(workspace.run()))
    assert geolocation(workspace) == 25  # the correction's 20 and the other file's 5, not 325
    assert load_outcome(workspace.run(full=True)).status == "ok" and geolocation(workspace) == 25
    # both versions pending at once: the first is consumed unread
    fresh = Workspace(tmp_path / "fresh", OLIST)
    for folder in ("first", "corrected"):
        assert not fresh.ingest(tmp_path / folder, "2018-10-01", only={"geolocation"}).failed
    assert load_outcome(fresh.run()).status == "ok" and geolocation(fresh) == 20
    assert load_outcome(fresh.run()).status == "nothing new"
