"""A landing folder filed per day (`landing: landing/{batch_date}` on the target): each scheduled
run reads its logical date's folder only, so a backfill replays days (adversarial round 8:
backfill_first_run_takes_all_days — the first run of a backfill took every day's files under its
own date, the others loaded nothing and ended green)."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing


def test_a_run_of_a_dated_landing_folder_ingests_its_own_days_files_only(tmp_path):
    from dag_factory import callables

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(
        config.read_text().replace("    lake: lake\n", "    lake: lake\n    landing: landing/{batch_date}\n")
    )
    for day, rows in (("2024-01-02", GOOD[:1]), ("2024-01-03", GOOD[1:])):
        landing(workspace.pipeline / "landing" / day, f"members_{day}.csv", [HEADER, *rows])
    args = (str(workspace.pipeline), "dev", str(workspace.pipeline))
    for day, files, rows in (("2024-01-03", 1, 2), ("2024-01-02", 1, 1)):  # out of order
        logical = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC)
        assert callables.detect_landing(*args, logical_date=logical) == files
        assert callables.ingest_landing(*args, logical_date=logical) == {"files": files, "rows": rows}
    # a day with no folder is not read as an empty delivery (nor from another day's files): it
    # fails, as `elt ingest` refuses it (adversarial round 17); an empty folder is a day without data
    from airflow.sdk.exceptions import AirflowFailException

    no_folder = datetime.datetime(2024, 1, 4, tzinfo=datetime.UTC)
    with pytest.raises(AirflowFailException, match="landing/2024-01-04 does not exist"):
        callables.detect_landing(*args, logical_date=no_folder)
    (workspace.pipeline / "landing" / "2024-01-04").mkdir()
    assert callables.detect_landing(*args, logical_date=no_folder) == 0
    assert callables.ingest_landing(*args, logical_date=no_folder) == {"files": 0, "rows": 0}
    lake = workspace.pipeline / "lake" / "tiny_shop" / "members"
    filed = sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*.parquet"))
    assert filed == [
        "batch_date=2024-01-02/members_2024-01-02.parquet",
        "batch_date=2024-01-03/members_2024-01-03.parquet",
    ]


def test_elt_ingest_reads_the_dated_landing_folder_of_its_batch_date(tmp_path):
    """Adversarial round 9 (cli_ingest_dated_landing): `elt ingest --batch-date D` looked for the
    literal folder `landing/{batch_date}`."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(
        config.read_text().replace("    lake: lake\n", "    lake: lake\n    landing: landing/{batch_date}\n")
    )
    landing(workspace.pipeline / "landing" / "2024-01-02", "members_2024-01-02.csv", [HEADER, *GOOD])
    done = workspace.cli("ingest", str(workspace.pipeline), "--batch-date", "2024-01-02", "--quiet")
    assert done.returncode == 0, done.stderr
    assert list((workspace.pipeline / "lake" / "tiny_shop" / "members").rglob("batch_date=2024-01-02/*.parquet"))


def test_the_same_file_on_two_days_of_a_dated_landing_folder_is_two_deliveries(tmp_path):
    """Adversarial round 9 (dated_landing_same_bytes_skipped): a landing file was known by its path
    under the day's folder, so day 2's `members_x.csv` with day 1's bytes was 'already ingested' —
    its batch never existed — and one with other bytes a 'new version' of day 1's."""
    from dag_factory import callables

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(
        config.read_text().replace("    lake: lake\n", "    lake: lake\n    landing: landing/{batch_date}\n")
    )
    for day in ("2024-01-02", "2024-01-03"):
        landing(workspace.pipeline / "landing" / day, "members_x.csv", [HEADER, *GOOD])  # the same bytes
    args = (str(workspace.pipeline), "dev", str(workspace.pipeline))
    for day in ("2024-01-02", "2024-01-03"):
        logical = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC)
        assert callables.ingest_landing(*args, logical_date=logical) == {"files": 1, "rows": 3}
    lake = workspace.pipeline / "lake" / "tiny_shop" / "members"
    assert sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*.parquet")) == [
        "batch_date=2024-01-02/members_x.parquet",
        "batch_date=2024-01-03/members_x.parquet",
    ]
