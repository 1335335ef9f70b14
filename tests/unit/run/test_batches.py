"""Batches as units (issue 12, failure 4): ingest writes a batch's record last; `elt run` loads
complete batches only, in order, and says which batch waits and which file it lacks."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


def deliver(folder, members_delimiter: str = ";", purchase_id: str = "p1"):
    landing(folder, "members_2024-01-01.csv", [line.replace(";", members_delimiter) for line in [HEADER, *GOOD]])
    purchases(
        folder,
        rows=[{"purchase_id": purchase_id, "member_id": 1, "amount": "12.50", "purchased_at": "2024-01-02 09:00:00"}],
    )


def ingest(workspace: Workspace, folder, batch: str):
    return workspace.cli(
        "ingest", str(workspace.pipeline), "--from", str(folder), "--lake", str(workspace.lake), "--batch-date", batch
    )


def run(workspace: Workspace, *extra: str) -> tuple[int, dict]:
    done = workspace.cli_run("--format", "json", *extra)
    return done.returncode, {s["step"]: s for s in json.loads(done.stdout)["steps"]}


def staged(workspace: Workspace, table: str) -> int:
    return workspace.query(f"SELECT COUNT(*) FROM staging.{table}")[0][0]


def test_a_refused_file_holds_back_its_whole_batch_until_the_corrected_file_is_ingested(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1", members_delimiter=",")  # the wrong delimiter: members is refused
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 1
    code, steps = run(workspace)
    assert code == 1
    purchases_load = steps["load:purchases"]
    assert purchases_load["status"] == "failed"
    assert (
        "batch 2024-01-01 is incomplete" in purchases_load["error"]
        and "members_2024-01-01.csv" in purchases_load["error"]
    )
    assert purchases_load["error"].count("members_2024-01-01.csv") == 1, purchases_load["error"]  # named once
    assert staged(workspace, "purchases") == 0  # nothing of the batch reached staging
    assert steps["build:fact_purchase"]["status"] == "skipped"

    landing(tmp_path / "fix", "members_2024-01-01.csv", [HEADER, *GOOD])  # just the corrected file
    assert ingest(workspace, tmp_path / "fix", "2024-01-01").returncode == 0
    code, steps = run(workspace)
    assert code == 0, steps
    assert staged(workspace, "purchases") == 1 and staged(workspace, "members") == len(GOOD)


def marks(workspace: Workspace) -> list[str]:
    return sorted(p.name for p in (workspace.lake / "tiny_shop" / "_batches").glob("*.incomplete"))


def test_a_file_refused_into_a_batch_a_run_loaded_fails_its_source_until_corrected_or_passed_over(tmp_path):
    """Adversarial round 41 (refused_file_in_loaded_batch_passes): a second delivery of a day a
    run had loaded was refused at ingest; the next run said "no new files", exit 0, and with a
    dated landing folder no later run ever said otherwise. The ingest marks the batch incomplete
    beside its record; the run fails the source's load naming the batch and the file (what was
    loaded stays), holds later batches back, and asks again until the corrected file is ingested
    or `--allow-partial` passes the batch over (once: the mark goes)."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1")
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 0
    assert run(workspace)[0] == 0 and marks(workspace) == []
    landing(tmp_path / "day1b", "members_2024-01-01b.csv", [line.replace(";", ",") for line in [HEADER, *GOOD]])
    assert ingest(workspace, tmp_path / "day1b", "2024-01-01").returncode == 1
    assert marks(workspace) == ["batch_date=2024-01-01.incomplete"]
    deliver(tmp_path / "day2", purchase_id="p2")
    assert ingest(workspace, tmp_path / "day2", "2024-01-02").returncode == 0

    for _ in range(2):  # asked on every run, not once
        code, steps = run(workspace)
        assert code == 1, steps
        members = steps["load:members"]
        assert members["status"] == "failed"
        assert "batch 2024-01-01 is incomplete" in members["error"] and "members_2024-01-01b.csv" in members["error"]
        assert "nothing of it or of any later batch is loaded" in steps["load:purchases"]["error"]  # day 2 waits
        assert staged(workspace, "members") == len(GOOD) and staged(workspace, "purchases") == 1  # kept

    code, steps = run(workspace, "--allow-partial", "2024-01-01")
    assert code == 0, steps
    assert "passed over (--allow-partial)" in steps["load:members"]["detail"]
    assert staged(workspace, "purchases") == 2 and marks(workspace) == []
    code, steps = run(workspace)
    assert code == 0 and steps["load:members"]["status"] == "nothing new", steps


def test_a_refused_file_into_a_loaded_batch_corrected_loads_and_its_mark_goes(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1")
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 0
    assert run(workspace)[0] == 0
    bad = [line.replace(";", ",") for line in [HEADER, "4;dee@example.com;gold;Braga;2024-01-01 13:00:00"]]
    landing(tmp_path / "day1b", "members_2024-01-01b.csv", bad)
    assert ingest(workspace, tmp_path / "day1b", "2024-01-01").returncode == 1
    assert run(workspace)[0] == 1
    landing(tmp_path / "day1b", "members_2024-01-01b.csv", [HEADER, "4;dee@example.com;gold;Braga;2024-01-01 13:00:00"])
    assert ingest(workspace, tmp_path / "day1b", "2024-01-01").returncode == 0
    assert marks(workspace) == []
    code, steps = run(workspace)
    assert code == 0, steps
    assert staged(workspace, "members") == len(GOOD) + 1


def test_a_later_complete_batch_waits_for_an_earlier_incomplete_one(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1", members_delimiter=",")
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 1
    deliver(tmp_path / "day2", purchase_id="p2")
    assert ingest(workspace, tmp_path / "day2", "2024-01-02").returncode == 0
    code, steps = run(workspace)
    assert code == 1 and staged(workspace, "purchases") == 0  # day 2 never overtakes day 1
    assert "nothing of it or of any later batch is loaded" in steps["load:purchases"]["error"]


def test_a_batch_without_its_record_is_not_loaded(tmp_path):
    """An ingest still writing has not written the record yet: the run leaves the batch alone."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1")
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 0
    record = workspace.lake / "tiny_shop" / "_batches" / "batch_date=2024-01-01.json"
    assert json.loads(record.read_text())["complete"] is True
    record.unlink()
    code, steps = run(workspace)
    assert code == 1 and "batch 2024-01-01 has no batch record" in steps["load:members"]["error"]
    assert staged(workspace, "members") == 0


def test_allow_partial_loads_a_named_incomplete_batch_and_says_so(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    deliver(tmp_path / "day1", members_delimiter=",")
    assert ingest(workspace, tmp_path / "day1", "2024-01-01").returncode == 1
    code, steps = run(workspace, "--allow-partial", "2024-01-01")
    detail = steps["load:purchases"]["detail"]
    assert steps["load:purchases"]["status"] == "ok" and "loaded although incomplete (--allow-partial)" in detail
    assert staged(workspace, "purchases") == 1
    logged = workspace.query("SELECT detail FROM elt.run_log WHERE step = 'load:purchases'")
    assert "--allow-partial" in logged[0][0]


def test_a_batch_record_names_the_source_of_each_refused_file_and_reads_one_written_before_it_did():
    from framework.lake import BatchRecord
    from framework.run.batches import BatchGate

    old = BatchRecord.from_json(
        json.dumps({"batch_date": "2024-01-02", "complete": False, "files": [], "failed": [["m.csv", "bad"]]})
    )
    assert old.failed == (("m.csv", "bad", ""),)
    new = BatchRecord("2024-01-02", False, (), (("m.csv", "bad", "members"),))
    assert BatchRecord.from_json(new.to_json()) == new
    gate = BatchGate.of({"2024-01-02": new}, set(), frozenset(), loaded_through="2024-01-01")
    assert gate.withholds("members") and "m.csv: bad" in gate.withholds("members")
    assert not gate.withholds("purchases")  # it had nothing refused: nothing new, not failed
    unnamed = BatchGate.of({"2024-01-02": old}, set(), frozenset(), loaded_through="2024-01-01")
    assert unnamed.blocked_from == "2024-01-02" and not unnamed.withholds("members")


def test_a_damaged_lake_record_is_named_with_what_to_do(tmp_path):
    """Adversarial round 20 (lake_record_damaged_unclear_error): a damaged batch or landing record
    made every run and ingest end in "internal error: JSONDecodeError", naming no file."""
    import pytest

    from framework.errors import LakeError
    from framework.lake import BatchRecord
    from framework.lake.local import LocalLake

    lake = LocalLake(str(tmp_path / "lake"))
    lake.write_batch_record("p", BatchRecord("2024-01-01", True))
    assert set(lake.batch_records("p")) == {"2024-01-01"}
    record = tmp_path / "lake" / "p" / "_batches" / "batch_date=2024-01-01.json"
    for damaged in (b"garbage", b'{"batch_date": "2024-01-01", "complete": true, "files": [1]}', b"\xff\xfe"):
        record.write_bytes(damaged)
        with pytest.raises(LakeError, match=r"_batches/batch_date=2024-01-01\.json: a damaged lake record"):
            lake.batch_records("p")
