"""Crash safety and concurrency with real processes: SIGKILL at several points, then a rerun
converges to the uninterrupted result; a second concurrent run is refused, never corrupts."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.conftest import OLIST
from tests.support.workspace import BUILD_COLUMNS, ELT, Workspace, table_digests


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run of the Olist sample: what every recovery must end in."""
    workspace = Workspace(tmp_path_factory.mktemp("reference"), OLIST)
    assert not workspace.ingest(OLIST / "sample").failed
    result = workspace.cli_run("--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return workspace, table_digests(workspace.warehouse)


def fresh(tmp_path, reference_workspace, warm: bool = True) -> Workspace:
    """Same lake files; with `warm`, the compiled manifest too, so the run starts working at once."""
    import shutil

    workspace = Workspace(tmp_path, OLIST)
    shutil.copytree(reference_workspace.lake, workspace.lake)
    if warm:
        shutil.copytree(reference_workspace.warehouse.parent / ".elt", workspace.warehouse.parent / ".elt")
    return workspace


def start_run(workspace: Workspace, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            ELT,
            "run",
            str(workspace.pipeline),
            "--warehouse",
            str(workspace.warehouse),
            "--lake",
            str(workspace.lake),
            "--batch-date",
            "2018-10-17",
            "--quiet",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=workspace.folder,
    )


# (seconds after start, compiled manifest cached): during compile, loads, early and late models
@pytest.mark.parametrize("delay,warm", [(0.5, False), (0.45, True), (0.75, True), (1.05, True)])
def test_sigkill_at_any_point_then_rerun_converges(tmp_path, reference, delay, warm):
    ref_workspace, expected = reference
    for attempt in range(5):  # a fast moment may finish the run before the kill: kill sooner, afresh
        workspace = fresh(tmp_path / f"attempt{attempt}", ref_workspace, warm)
        victim = start_run(workspace)
        time.sleep(delay)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        if victim.returncode == -signal.SIGKILL:
            break
        delay *= 0.6
    assert victim.returncode == -signal.SIGKILL  # it was killed mid-run, not after it finished
    rerun = workspace.cli_run("--quiet")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    got = table_digests(workspace.warehouse)
    # the lake paths differ between the two folders, so the ledger is compared by file name and checksum
    assert got == expected
    ledger = workspace.query("SELECT source, regexp_extract(path, '[^/]+$'), checksum FROM elt.file_ledger ORDER BY 1")
    ref_ledger = ref_workspace.query(
        "SELECT source, regexp_extract(path, '[^/]+$'), checksum FROM elt.file_ledger ORDER BY 1"
    )
    assert ledger == ref_ledger  # every file loaded exactly once


def test_a_second_concurrent_run_is_refused_and_corrupts_nothing(tmp_path, reference):
    ref_workspace, expected = reference
    workspace = fresh(tmp_path, ref_workspace)
    assert workspace.cli_run("--quiet").returncode == 0  # compile cache warm: the next run opens the file at once
    first = start_run(workspace, "--full")
    refused = None
    for _ in range(40):  # start runs until one overlaps the first one's hold on the warehouse
        second = workspace.cli_run("--quiet", "--wait", "0")
        if second.returncode == 2:
            refused = second
            break
        if first.poll() is not None:
            first = start_run(workspace, "--full")
        time.sleep(0.05)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert refused is not None, "no run ever overlapped the first one"
    assert "in use by another process" in refused.stderr and "Traceback" not in refused.stderr
    # the same tables, but for the load and build counters of the rows (every --full run reloaded
    # the staging tables from the lake and rebuilt every model)
    counters = (*BUILD_COLUMNS, "_load_seq")
    assert table_digests(workspace.warehouse, without=counters) == table_digests(
        ref_workspace.warehouse, without=counters
    )


def holding(workspace: Workspace, read_only: bool, seconds: float) -> subprocess.Popen:
    """Another process with the warehouse file open (read-only: as the dashboard reads it) for
    `seconds`, once it has opened it."""
    code = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('holding', flush=True); time.sleep(float(sys.argv[3]))"
    )
    mode = "ro" if read_only else "rw"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(workspace.warehouse), mode, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_a_run_is_refused_while_another_process_writes_the_warehouse(tmp_path, reference):
    ref_workspace, expected = reference
    workspace = fresh(tmp_path, ref_workspace)
    assert workspace.cli_run("--quiet").returncode == 0
    holder = holding(workspace, read_only=False, seconds=30)
    try:
        started = time.monotonic()
        blocked = workspace.cli_run("--quiet", "--wait", "2")
        assert blocked.returncode == 2 and "in use by another process (still, after waiting 2 s)" in blocked.stderr
        assert time.monotonic() - started >= 2
    finally:
        holder.kill()
        holder.wait()
    assert workspace.cli_run("--quiet").returncode == 0
    assert table_digests(workspace.warehouse) == expected


def test_a_run_waits_for_a_reader_that_has_the_warehouse_open_for_a_moment(tmp_path, reference):
    """The dashboard opens the DuckDB file read-only for each batch of queries; a run starting
    then failed at once, blaming another `elt run` (adversarial round 39): it now waits (--wait,
    10 s by default) and runs."""
    ref_workspace, expected = reference
    workspace = fresh(tmp_path, ref_workspace)
    assert workspace.cli_run("--quiet").returncode == 0
    reader = holding(workspace, read_only=True, seconds=3)
    try:
        done = workspace.cli_run("--quiet")
        assert done.returncode == 0, done.stdout + done.stderr
        assert reader.poll() is not None  # it waited for the reader to let go
    finally:
        reader.kill()
        reader.wait()
    assert table_digests(workspace.warehouse) == expected


def test_freshness_reads_beside_the_dashboard_and_waits_for_a_writer(tmp_path, reference):
    """`elt freshness` only reads: it opens the file read-only beside a reader such as the
    dashboard, where it failed at once, and waits (--wait) for a writer (adversarial round 41)."""
    ref_workspace, _ = reference
    workspace = fresh(tmp_path, ref_workspace)
    assert workspace.cli_run("--quiet").returncode == 0
    freshness = ("freshness", str(workspace.pipeline), "--warehouse", str(workspace.warehouse), "--format", "json")
    with held(workspace, read_only=True, seconds=30) as reader:
        beside = workspace.cli(*freshness)
        assert beside.returncode in (0, 1), beside.stderr  # its verdicts: the sample's loads are "today"
        assert {s["source"] for s in json.loads(beside.stdout)["sources"]} >= {"orders", "customers"}
        assert reader.poll() is None, "it did not wait for the reader to let go"
    with held(workspace, read_only=False, seconds=2) as writer:
        waited = workspace.cli(*freshness, "--wait", "20")
        assert waited.returncode in (0, 1), waited.stderr
        assert writer.poll() is not None  # it waited for the writer
    with held(workspace, read_only=False, seconds=30):
        gave_up = workspace.cli(*freshness, "--wait", "1")
        assert gave_up.returncode == 2 and "in use by another process (still, after waiting 1 s)" in gave_up.stderr


@contextlib.contextmanager
def held(workspace: Workspace, read_only: bool, seconds: float) -> Iterator[subprocess.Popen]:
    """`holding`, ended (killed) when the block ends."""
    holder = holding(workspace, read_only, seconds)
    try:
        yield holder
    finally:
        holder.kill()
        holder.wait()


FAILING = "  - {type: expression, name: only_sao_paulo, condition: \"state <> 'SP'\", severity: error}\n"


def with_failing_check(workspace: Workspace) -> Workspace:
    """dim_seller gains an error check that fails on the real data (issue 12, failure 1)."""
    spec = workspace.pipeline / "models" / "dim_seller.yml"
    text = spec.read_text()
    assert "checks:\n" in text
    spec.write_text(text.replace("checks:\n", "checks:\n" + FAILING, 1))
    return workspace


def never_published(workspace: Workspace) -> None:
    """dim_seller failed its checks and nothing that reads it is up to date or built."""
    steps = dict(
        workspace.query(
            "SELECT step, status FROM elt.run_log WHERE run_id = "
            "(SELECT run_id FROM elt.run_log ORDER BY started_at DESC LIMIT 1) ORDER BY step"
        )
    )
    assert steps["build:dim_seller"] == "failed", steps
    assert steps["build:fact_order_items"] == "skipped", steps
    assert workspace.query("SELECT COUNT(*) FROM dwh.dim_seller")[0][0] == 0


def test_sigkill_during_runs_with_a_failing_check_never_leaves_it_up_to_date(tmp_path):
    """kill -9 at random moments of runs that include a failing error check: every rerun ends in
    the uninterrupted (failed) result, and the unchecked model is never reported up to date."""
    import random

    reference = with_failing_check(Workspace(tmp_path / "reference", OLIST))
    assert not reference.ingest(OLIST / "sample").failed
    assert reference.cli_run("--quiet").returncode == 1
    never_published(reference)
    expected = table_digests(reference.warehouse)
    chance = random.Random(12)
    killed = 0
    for attempt in range(6):
        workspace = with_failing_check(fresh(tmp_path / f"kill{attempt}", reference))
        victim = start_run(workspace)
        time.sleep(chance.uniform(0.3, 1.4))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        killed += victim.returncode == -signal.SIGKILL
        for _ in range(2):  # the rerun, and one more: the failure stays a failure
            rerun = workspace.cli_run("--quiet")
            assert rerun.returncode == 1, rerun.stdout + rerun.stderr
            never_published(workspace)
        assert table_digests(workspace.warehouse) == expected
    assert killed >= 3  # most kills landed mid-run (a fast run may finish first)
