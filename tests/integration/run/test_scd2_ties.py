"""Two observations of one key at one instant, with the same tracked values and different
untracked ones, delivered in two batches (adversarial round 6, scd2_same_instant_tie): the
version keeps the same observation whether the batches load in one run or a run each, in
either delivery order (the chain breaks such a tie by the values, column by column)."""

from __future__ import annotations

import datetime

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace

BATCHES = (
    ("2024-02-01", "obs_id,k,v,w,at\n1,B,x,w1,2024-01-01 10:00:00\n2,E,m,w1,2024-01-01 10:00:00\n"),
    ("2024-02-02", "obs_id,k,v,w,at\n3,B,x,w2,2024-01-01 10:00:00\n4,E,n,w2,2024-01-01 10:00:00\n"),
)


def _dimension(tmp_path, name: str, batches, run_each: bool) -> list[tuple]:
    workspace = Workspace(tmp_path / name, FIXTURES / "scd2_ties")
    for number, (date, text) in enumerate(batches):
        folder = tmp_path / f"{name}-{number}"
        folder.mkdir()
        (folder / f"obs_{number}.csv").write_text(text)
        assert not workspace.ingest(folder, date).failed
        if run_each:
            assert workspace.run(datetime.datetime.fromisoformat(date)).ok
    if not run_each:
        assert workspace.run(datetime.datetime.fromisoformat(batches[-1][0])).ok
    return workspace.query("SELECT k, v, w, valid_from, is_current FROM dwh.dim_k ORDER BY k, valid_from")


def test_a_tie_at_one_instant_keeps_the_same_observation_however_the_batches_run(tmp_path):
    swapped = ((BATCHES[0][0], BATCHES[1][1]), (BATCHES[1][0], BATCHES[0][1]))
    results = {
        (order, run_each): _dimension(tmp_path, f"{order}-{run_each}", batches, run_each)
        for order, batches in (("forward", BATCHES), ("swapped", swapped))
        for run_each in (False, True)
    }
    first = next(iter(results.values()))
    assert all(result == first for result in results.values()), results
    at = datetime.datetime(2024, 1, 1, 10)
    assert first[0] == ("B", "x", "w2", at, True)  # same tracked value: the larger untracked value wins
    assert len(first) == 2 and first[1][0] == "E"  # different tracked values: one version, by the hash


def test_a_tie_in_the_tracked_values_keeps_one_version_and_the_run_says_so(tmp_path):
    """Adversarial round 21: two observations of a key at one instant with other tracked values
    kept one without a word. The choice is deterministic — the same on every run and target,
    where a delivery order could not decide between rows a model's SELECT may have aggregated —
    and the build now warns, counting the keys."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "scd2_ties")
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "obs_0.csv").write_text(
        "obs_id,k,v,w,at\n1,B,x,w1,2024-01-01 10:00:00\n2,B,y,w1,2024-01-01 10:00:00\n3,E,m,w1,2024-01-01 10:00:00\n"
    )
    assert not workspace.ingest(folder, "2024-02-01").failed
    result = workspace.run(datetime.datetime(2024, 2, 1))
    build = next(o for o in result.outcomes if o.step == "build:dim_k")
    assert build.status == "warned" and "1 key(s) observed with differing tracked values at one" in build.detail, build
    assert workspace.query("SELECT COUNT(*) FROM dwh.dim_k WHERE k = 'B'") == [(1,)]
    again = next(o for o in workspace.run(datetime.datetime(2024, 2, 1)).outcomes if o.step == "build:dim_k")
    assert again.status == "up to date"


def test_a_tie_keeps_the_larger_tracked_value_compared_as_a_value(tmp_path):
    """Adversarial round 26: the tie went to the larger attribute hash, an MD5 of the values'
    text, and a double's text differs between engines (DuckDB 12.0, PostgreSQL 12): 7 keys in
    20 kept another version on PostgreSQL. Ties now go to the larger tracked values, compared as
    values (text by its bytes on every target)."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "scd2_ties")
    for spec in (workspace.pipeline / "sources" / "obs.yml", workspace.pipeline / "models" / "dim_k.yml"):
        spec.write_text(spec.read_text().replace("{name: v, type: string}", "{name: v, type: double}"))
    folder = tmp_path / "landing"
    folder.mkdir()
    rows = [
        f"{2 * k + 1},K{k},{k}.0,w,2024-01-01 10:00:00\n{2 * k + 2},K{k},{k}.25,w,2024-01-01 10:00:00"
        for k in range(20)
    ]
    (folder / "obs_0.csv").write_text("obs_id,k,v,w,at\n" + "\n".join(rows) + "\n")
    assert not workspace.ingest(folder, "2024-02-01").failed
    workspace.run(datetime.datetime(2024, 2, 1))
    kept = dict(workspace.query("SELECT k, v FROM dwh.dim_k"))
    assert kept == {f"K{k}": k + 0.25 for k in range(20)}
