"""Write-audit-publish (issue 12, failure 1): a model's error checks run on its new state inside
its build's transaction; a failure publishes nothing, keeps consumers on the previous state,
blocks everything downstream and stays failed on every rerun until the data or the spec changes."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

FAILING_CHECK = "checks:\n  - {type: expression, name: no_faro, condition: \"city <> 'Faro'\"}\n"


def shop(tmp_path) -> Workspace:
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])  # Cid lives in Faro
    purchases(folder)
    assert not workspace.ingest(folder, "2024-01-01").failed
    return workspace


def run(workspace: Workspace) -> tuple[int, dict]:
    done = workspace.cli_run("--format", "json")
    return done.returncode, {s["step"]: s for s in json.loads(done.stdout)["steps"]}


def add_check(workspace: Workspace) -> None:
    spec = workspace.pipeline / "models" / "dim_member.yml"
    spec.write_text(spec.read_text() + FAILING_CHECK)


def test_a_failed_error_check_publishes_nothing_and_stays_failed_on_every_rerun(tmp_path):
    workspace = shop(tmp_path)
    add_check(workspace)
    for attempt in (1, 2, 3):  # nothing changes between the runs
        code, steps = run(workspace)
        assert code == 1, attempt
        build = steps["build:dim_member"]
        assert (
            build["status"] == "failed" and "not published: expression(no_faro): 1 failing row(s)" in build["error"]
        ), attempt
        assert build["checks"][0]["sample"], "the failing rows are shown"
        assert steps["build:fact_purchase"]["status"] == "skipped", attempt
        assert workspace.query("SELECT COUNT(*) FROM dwh.dim_member")[0][0] == 0, "nothing was published"
    spec = workspace.pipeline / "models" / "dim_member.yml"
    spec.write_text(spec.read_text().replace(FAILING_CHECK, ""))  # the spec changes: it publishes
    code, steps = run(workspace)
    assert code == 0 and steps["build:dim_member"]["status"] == "ok"
    assert workspace.query("SELECT COUNT(*) FROM dwh.dim_member WHERE is_current")[0][0] == len(GOOD)


def test_consumers_keep_the_previous_published_state_when_a_new_check_fails(tmp_path):
    workspace = shop(tmp_path)
    code, _ = run(workspace)
    assert code == 0
    published = workspace.query("SELECT * FROM dwh.dim_member ORDER BY member_sk")
    add_check(workspace)  # a check change audits the model again (and it fails)
    for _ in range(2):
        code, steps = run(workspace)
        assert code == 1 and steps["build:dim_member"]["status"] == "failed"
        assert steps["build:fact_purchase"]["status"] == "skipped"
        assert workspace.query("SELECT * FROM dwh.dim_member ORDER BY member_sk") == published
