"""The files that carry "edit YAML, commit, the DAG follows" into a pipeline repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO


def test_pre_commit_hooks_are_well_formed():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"elt-lint", "elt-compile"}
    for hook in hooks:
        assert {"id", "name", "entry", "language", "files"} <= set(hook)


def test_the_compile_hook_compiles_the_pipeline_of_a_changed_file(tmp_path):
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    result = subprocess.run(
        [str(REPO / "bin" / "elt-compile-changed"), "tests/fixtures/tiny_shop/models/dim_member.yml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "compiled tests/fixtures/tiny_shop for redshift and duckdb"


def test_the_ci_workflow_lints_compiles_and_loads_the_dags():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pipelines.yml").read_text())
    steps = " ".join(str(s.get("run", "")) for s in workflow["jobs"]["check"]["steps"])
    assert "elt lint pipelines" in steps and "elt compile" in steps and "DagBag" in steps
    assert "constraints.txt" in steps


def test_the_framework_workflow_and_make_run_the_static_checks_and_fast_tests():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "framework.yml").read_text())
    commands = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(c.strip().startswith("make test-fast") for c in commands)
    makefile = (REPO / "Makefile").read_text()
    targets = {
        line.split(":")[0]: line for line in makefile.splitlines() if line and not line[0].isspace() and ":" in line
    }
    assert "check" in targets["test"] and "check" in targets["test-fast"]  # both run ruff and mypy first
    check = makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in check and "ruff format --check" in check and "mypy" in check
    assert '-m "not integration"' in makefile.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
