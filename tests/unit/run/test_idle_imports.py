"""An `elt run` with nothing to do (the ≤ 0.3 s goal) imports neither sqlglot nor pyarrow: the
manifest is compiled SQL, and what builds statements at run time (Redshift's loads by file shape,
a model switching between view and table) imports them only when it runs. A top-level import of
either cost ~0.05 s of that budget (found by the benchmark after round 9). Nor does it send the
set-up's CREATE … IF NOT EXISTS of tables the warehouse has: no-ops, but 75 of an idle Olist
run's 112 statements.

A run that loads new files of the spec's shape does not import them either: each file's footer
names the columns ingest wrote it for (`elt.lake_shape`), so neither its Arrow schema nor the
SQL layer is needed (~0.17 s of a daily run's imports before)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import FIXTURES, REPO

PROBE = """
import sys
from framework.execute import duckdb as session
sent = []
execute = session.DuckDBSession.execute
def recording(self, sql, params=None):
    sent.append(sql.split()[0].upper())
    return execute(self, sql, params)
session.DuckDBSession.execute = recording
from framework.cli.main import main
code = main(["run", sys.argv[1], "--warehouse", sys.argv[2], "--lake", sys.argv[3], "--quiet"])
assert code == 0, code
print(sorted(m for m in ("sqlglot", "pyarrow") if m in sys.modules), sorted(set(sent)))
"""


def test_a_run_with_nothing_to_do_imports_neither_sqlglot_nor_pyarrow_and_creates_nothing(tmp_path):
    from tests.support.workspace import Workspace
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    args = [str(workspace.pipeline), str(workspace.warehouse), str(workspace.lake)]
    for _ in range(2):  # the first run compiles (sqlglot) and sets the warehouse up; the second is idle
        done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
    imported, verbs = done.stdout.strip().split("] [")
    assert imported == "[", done.stdout
    assert "'CREATE'" not in verbs and "'SELECT'" in verbs, done.stdout


def test_a_run_loading_files_of_the_specs_shape_imports_neither(tmp_path):
    from tests.support.workspace import Workspace
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    args = [str(workspace.pipeline), str(workspace.warehouse), str(workspace.lake)]
    for day in ("2024-01-01", "2024-01-02"):
        folder = tmp_path / f"landing-{day}"
        landing(folder, f"members_{day}.csv", [HEADER, *GOOD])
        purchases(folder)
        assert not workspace.ingest(folder, day).failed
        done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
    imported, verbs = done.stdout.strip().split("] [")
    assert imported == "[", done.stdout  # the second day: loaded (and built) without sqlglot or pyarrow
    assert "'INSERT'" in verbs, done.stdout
