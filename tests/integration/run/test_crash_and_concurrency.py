"""Crash safety and concurrency with real processes: SIGKILL at several points, then a rerun
converges to the uninterrupted result; a second concurrent run is refused, never corrupts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import OLIST
from tests.support.workspace import ELT, Workspace, table_digests


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
        second = workspace.cli_run("--quiet")
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
    assert table_digests(workspace.warehouse) == expected


def test_a_run_is_refused_while_another_process_writes_the_warehouse(tmp_path, reference):
    ref_workspace, expected = reference
    workspace = fresh(tmp_path, ref_workspace)
    assert workspace.cli_run("--quiet").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(30)",
            str(workspace.warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        blocked = workspace.cli_run("--quiet")
        assert blocked.returncode == 2 and "in use by another process" in blocked.stderr
    finally:
        holder.kill()
        holder.wait()
    assert workspace.cli_run("--quiet").returncode == 0
    assert table_digests(workspace.warehouse) == expected
