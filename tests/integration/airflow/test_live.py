"""A real Airflow 3 (bin/airflow-standalone: api-server, scheduler, dag-processor, triggerer on
127.0.0.1, a temporary AIRFLOW_HOME with SQLite and LocalExecutor) with two pipelines, one of them
broken, checked through the REST API as a user would: the broken pipeline is listed with its
diagnostics and fails clearly when triggered, the good one runs to success, no import error
hides either; a second start is refused; stop leaves no process behind. Bounded: ~2 minutes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.integration.airflow.conftest import REPO
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

SCRIPT = REPO / "bin" / "airflow-standalone"
DEADLINE = 170  # seconds for the whole test, start to stop
DIAGNOSTIC = "models/dim_member.yml:14:19: E203 history.tracked[1]: unknown column 'cty'"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    def __init__(self, port: int, home: Path):
        self.base, self.home, self.token = f"http://127.0.0.1:{port}", home, ""

    def login(self) -> None:
        passwords = json.loads((self.home / "simple_auth_manager_passwords.json.generated").read_text())
        answer = self.call("POST", "/auth/token", {"username": "admin", "password": passwords["admin"]})
        self.token = answer["access_token"]

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"}
            | ({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read().decode()
        try:
            return json.loads(text)
        except ValueError:
            return {"text": text}


def until(what: str, probe, deadline: float, every: float = 2.0):
    """probe() until it returns something truthy, failing with `what` at the deadline."""
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except urllib.error.URLError as err:
            last = err
        else:
            if last:
                return last
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}; last answer: {last!r}")


def two_pipelines(project: Path) -> None:
    shutil.copytree(FIXTURES / "tiny_shop", project / "pipelines" / "tiny_shop")
    broken = project / "pipelines" / "tiny_broken"
    shutil.copytree(FIXTURES / "tiny_shop", broken)
    yml = broken / "pipeline.yml"
    yml.write_text(yml.read_text().replace("name: tiny_shop", "name: tiny_broken"))
    spec = broken / "models" / "dim_member.yml"
    spec.write_text(spec.read_text().replace("tracked: [tier, city]", "tracked: [tier, cty]"))
    landing(project / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(project / "landing")


def run_script(env: dict, *args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout)


def listening_addresses(pgid: int) -> set[str]:
    """The TCP addresses the stack's processes listen on (`ss`, by process id)."""
    pids = set(subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True).stdout.split())
    table = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    return {line.split()[3] for line in table.splitlines() if any(f"pid={pid}," in line for pid in pids)}


def kill_group(home: Path) -> None:
    """Whatever the test's outcome: the process group the script recorded is gone afterwards."""
    pidfile = home / "standalone.pgid"
    if not pidfile.exists():
        return
    pgid = int(pidfile.read_text().strip())
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_live_airflow_shows_a_broken_pipeline_runs_the_good_one_and_refuses_a_second_start(tmp_path):
    if shutil.which("airflow", path=str(Path(sys.executable).parent)) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the airflow command is not installed beside the tests' Python")
        pytest.skip("Airflow is not installed here")
    deadline = time.monotonic() + DEADLINE
    project, home, port = tmp_path / "project", tmp_path / "airflow", free_port()
    (project / "pipelines").mkdir(parents=True)
    two_pipelines(project)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "ELT_AIRFLOW_PORT": str(port),
        "ELT_AIRFLOW_WAIT": "100",
        "ELT_PIPELINES_DIR": str(project / "pipelines"),
        "ELT_PROJECT_DIR": str(project),
        "PYTHONPATH": str(REPO),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    }
    env.pop("ELT_TARGET", None)
    try:
        started = run_script(env, "start")
        log = home / "standalone.log"
        assert started.returncode == 0, started.stderr + (log.read_text()[-3000:] if log.exists() else "")
        pgid = int((home / "standalone.pgid").read_text())

        # a second start on the same home is refused, and the first stack keeps serving
        again = run_script(env, "start", timeout=30)
        assert again.returncode == 1 and "already running" in again.stderr, again
        assert int((home / "standalone.pgid").read_text()) == pgid

        api = Api(port, home)
        api.login()

        def both_listed():
            found = api.call("GET", "/api/v2/dags")["dags"]
            return found if {d["dag_id"] for d in found} >= {"tiny_shop", "tiny_broken"} else None

        dags = until("both DAGs to be parsed", both_listed, deadline)
        by_id = {d["dag_id"]: d for d in dags}
        assert api.call("GET", "/api/v2/importErrors")["total_entries"] == 0  # the good DAG is not hidden
        broken = by_id["tiny_broken"]
        assert broken["description"].startswith("NOT SCHEDULED: ") and DIAGNOSTIC in broken["description"]
        assert "elt:not-scheduled" in [t["name"] for t in broken["tags"]]
        assert DIAGNOSTIC in api.call("GET", "/api/v2/dags/tiny_broken/details")["doc_md"]

        runs = {}
        for dag_id in ("tiny_shop", "tiny_broken"):
            api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
            run = api.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": "2024-01-01T00:00:00Z"})
            runs[dag_id] = run["dag_run_id"]

        def finished(dag_id: str):
            state = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{runs[dag_id]}")["state"]
            return state if state in ("success", "failed") else None

        assert until("the broken DAG's run to end", lambda: finished("tiny_broken"), deadline) == "failed"
        task_log = api.call(
            "GET", f"/api/v2/dags/tiny_broken/dagRuns/{runs['tiny_broken']}/taskInstances/spec_errors/logs/1"
        )
        assert DIAGNOSTIC in json.dumps(task_log)  # the task fails with the diagnostics
        assert until("the good DAG's run to end", lambda: finished("tiny_shop"), deadline) == "success"
        # a DAG run is one run in the run log: every step of it under one run id, with its DAG run
        # (unpausing also queued the scheduler's run for the latest interval: a run of its own)
        import duckdb

        with duckdb.connect(str(project / "warehouse" / "tiny.duckdb"), read_only=True) as conn:
            logged = conn.execute(
                "SELECT dag_run_id, COUNT(DISTINCT run_id), COUNT(*) FROM elt.run_log GROUP BY dag_run_id"
            ).fetchall()
        per_dag_run = {dag_run: (ids, steps) for dag_run, ids, steps in logged}
        assert per_dag_run[runs["tiny_shop"]][0] == 1 and per_dag_run[runs["tiny_shop"]][1] > 5, logged
        assert all(ids == 1 for ids, _ in per_dag_run.values()) and None not in per_dag_run, logged

        listening = listening_addresses(pgid)
        assert listening and listening <= {f"127.0.0.1:{port}"}, listening  # nothing on other interfaces

        stopped = run_script(env, "stop", timeout=120)
        assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing serves the port any more
        assert run_script(env, "stop", timeout=30).stdout.strip() == "not running"
    finally:
        kill_group(home)


def test_a_start_is_refused_while_the_recorded_process_group_lives_or_the_port_is_taken(tmp_path):
    """The script's refusals, without Airflow: a live group in the pid file (a fake stack), then a
    port something else serves; neither starts anything nor touches the pid file."""
    home, port = tmp_path / "airflow", free_port()
    home.mkdir()
    env = {**os.environ, "AIRFLOW_HOME": str(home), "ELT_AIRFLOW_PORT": str(port), "ELT_AIRFLOW_WAIT": "10"}
    # a fake stack: a process group whose leader has exited (so this test is not its parent)
    leader = subprocess.run(
        ["setsid", "sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $$"], capture_output=True, text=True, check=True
    )
    pgid = int(leader.stdout.strip())
    try:
        (home / "standalone.pgid").write_text(f"{pgid}\n")
        refused = run_script(env, "start", timeout=30)
        assert refused.returncode == 1 and f"already running (process group {pgid}" in refused.stderr
        assert run_script(env, "status", timeout=30).returncode == 0
        stopped = run_script(env, "stop", timeout=30)
        assert stopped.returncode == 0 and f"stopped (process group {pgid})" in stopped.stdout
        assert not (home / "standalone.pgid").exists()
        assert run_script(env, "status", timeout=30).returncode == 3
    finally:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        refused = run_script(env, "start", timeout=30)
        assert refused.returncode == 1 and "already in use" in refused.stderr
        assert not (home / "standalone.pgid").exists() and not (home / "standalone.log").exists()
        orphan = run_script(env, "stop", timeout=30)  # a stack this script did not record
        assert orphan.returncode == 1 and "answers" in orphan.stderr
