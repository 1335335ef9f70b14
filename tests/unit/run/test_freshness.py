"""`elt freshness`: each source's last load (elt.file_ledger.loaded_at) against its thresholds."""

from __future__ import annotations

import datetime
import json

import duckdb
import pytest

from framework.run.freshness import FreshnessStatus, check_freshness, parse_duration
from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", datetime.timedelta(minutes=30)), ("26h", datetime.timedelta(hours=26)), ("3d", datetime.timedelta(3))],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["0h", "3w", "h", "1.5h"])
def test_a_malformed_duration_is_refused(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


@pytest.fixture
def shop(tmp_path):
    """tiny_shop loaded once: members (warn_after 26h, error_after 3d) and purchases (no threshold)."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(folder)
    assert not workspace.ingest(folder, "2024-01-01").failed
    assert workspace.run().ok
    return workspace


def loaded_hours_ago(workspace, source: str, hours: float) -> None:
    when = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(hours=hours)
    with duckdb.connect(str(workspace.warehouse)) as conn:
        conn.execute("UPDATE elt.file_ledger SET loaded_at = ? WHERE source = ?", [when, source])


def freshness(workspace, *extra):
    return workspace.cli("freshness", str(workspace.pipeline), "--warehouse", str(workspace.warehouse), *extra)


@pytest.mark.parametrize(
    ("hours", "status", "code"),
    [(1, "fresh", 0), (27, "warn", 0), (73, "error", 1)],
)
def test_each_threshold_decides_the_status_and_the_exit_code(shop, hours, status, code):
    loaded_hours_ago(shop, "members", hours)
    loaded_hours_ago(shop, "purchases", 1000)  # no threshold: never late
    result = freshness(shop, "--format", "json")
    assert result.returncode == code, result.stdout + result.stderr
    report = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert report["members"]["status"] == status
    assert (report["members"]["warn_after"], report["members"]["error_after"]) == ("26h", "3d")
    assert report["members"]["batch_date"] == "2024-01-01"
    assert abs(report["members"]["age_seconds"] - hours * 3600) < 120
    assert report["purchases"]["status"] == "no threshold" and report["purchases"]["error_after"] is None


def test_the_text_table_lists_every_source(shop):
    loaded_hours_ago(shop, "members", 73)
    result = freshness(shop)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    members = next(line for line in lines if "members" in line)
    assert "3d 1h" in members and "26h" in members and "error" in members and "2024-01-01" in members
    assert "no threshold" in next(line for line in lines if "purchases" in line)
    assert "1 error, 1 no threshold" in result.stdout


def test_a_source_never_loaded_fails_its_error_threshold(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    purchases(folder)  # members never delivered
    assert not workspace.ingest(folder, "2024-01-01").failed
    assert workspace.run().ok
    settings = workspace.settings()
    from framework.run.cache import manifest_for
    from framework.run.warehouses import open_warehouse

    manifest, _ = manifest_for(str(workspace.pipeline), settings)
    opened = open_warehouse(settings)
    try:
        found = {f.source: f for f in check_freshness(manifest, opened.session)}
    finally:
        opened.close()
    assert found["members"].status is FreshnessStatus.ERROR and found["members"].loaded_at is None
    assert found["purchases"].status is FreshnessStatus.NO_THRESHOLD and found["purchases"].loaded_at is not None


def test_a_warehouse_no_run_has_set_up_is_read_not_written(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    workspace.warehouse.parent.mkdir(parents=True)
    duckdb.connect(str(workspace.warehouse)).close()
    result = freshness(workspace, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert {s["source"]: s["loaded_at"] for s in json.loads(result.stdout)["sources"]} == {
        "members": None,
        "purchases": None,
    }
    assert workspace.query("SELECT COUNT(*) FROM duckdb_tables()") == [(0,)]


def test_no_warehouse_file_is_every_source_never_loaded_and_nothing_is_made(tmp_path):
    """Adversarial round 29 (freshness_creates_warehouse): before the first run, or with a
    mistyped --warehouse, `elt freshness` ("reads only") made the folder, an empty DuckDB file
    and the compile cache beside it."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    result = freshness(workspace, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert {s["source"]: s["loaded_at"] for s in json.loads(result.stdout)["sources"]} == {
        "members": None,
        "purchases": None,
    }
    assert not workspace.warehouse.parent.exists()


def test_output_to_a_pipe_is_not_cut_to_80_columns():
    """Adversarial round 46 (freshness_table_truncated_when_piped): piped into CI or a log, the
    table was cut to rich's default 80 columns — `fare_adjustmen…`, batch `2024-01-…`. Output that
    is not a terminal is as wide as its lines need (up to 200 columns); COLUMNS still rules."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    probe = "from framework.cli.run_cmd import _console; print(_console().width)"
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    piped = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env=env)
    assert piped.stdout.strip() == "200", piped.stderr
    told = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env={**env, "COLUMNS": "100"}
    )
    assert told.stdout.strip() == "100", told.stderr
