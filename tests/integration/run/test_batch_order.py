"""Staging ends the same however batches are spread over runs: a run per batch, or one run for
several (a catch-up, a load from scratch). A late batch with an older batch date, or an older
version of a row by the source's `deduplicate.order_by`, does not replace a newer row loaded
before; a conflict is between rows of one batch; an append feed's exact re-send collapses; a
corrected re-delivery of a file already ingested gets a lake file of its own (adversarial round
5: upsert_order_by_late_row, out_of_order_batch_date, conflict_reject_across_batches,
append_key_repeated_across_batches, redelivery_same_date)."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import FIXTURES
from tests.integration.run.test_incremental import shop_delivery
from tests.support.workspace import Workspace, staging_digests


def _members(folder, rows: list[tuple[int, str, str]], name: str = "members_x.csv"):
    """A members delivery: (id, tier, updated_at)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["member_id;email;tier;city;updated_at"] + [f"{i};m{i}@example.com;{t};Oslo;{at}" for i, t, at in rows]
    (folder / name).write_text("\n".join(lines) + "\n")
    return folder


def _loaded(result) -> bool:
    """Every load of the run succeeded (the tiny shop's models need purchases these tests need not send)."""
    return not [(o.step, o.error) for o in result.outcomes if o.step.startswith("load:") and o.error]


def _by_runs(tmp_path, deliveries: list[tuple[object, str]], each: bool, edit=None) -> Workspace:
    workspace = Workspace(tmp_path / ("each" if each else "once"), FIXTURES / "tiny_shop")
    if edit:
        edit(workspace)
    for folder, date in deliveries:
        assert not workspace.ingest(folder, date).failed
        if each:
            assert _loaded(workspace.run(datetime.datetime.fromisoformat(date)))
    if not each:
        assert _loaded(workspace.run(datetime.datetime(2024, 3, 1)))
    return workspace


def _both(tmp_path, deliveries, edit=None) -> tuple[Workspace, Workspace]:
    each, once = (_by_runs(tmp_path, deliveries, flag, edit) for flag in (True, False))
    assert staging_digests(each.warehouse) == staging_digests(once.warehouse)
    return each, once


def test_an_older_version_by_order_by_in_a_later_batch_does_not_replace_the_newer_row(tmp_path):
    deliveries = [
        (_members(tmp_path / "d1", [(1, "gold", "2024-01-03 10:00:00")]), "2024-02-01"),
        (_members(tmp_path / "d2", [(1, "basic", "2024-01-02 10:00:00")]), "2024-02-02"),  # older updated_at
    ]
    each, _ = _both(tmp_path, deliveries)
    assert each.query("SELECT tier FROM staging.members") == [("gold",)]


def test_a_late_batch_with_an_earlier_batch_date_does_not_replace_a_later_one(tmp_path):
    def no_order_by(workspace):
        spec = workspace.pipeline / "sources" / "members.yml"
        spec.write_text(spec.read_text().replace("deduplicate: {order_by: [updated_at], keep: last}\n", ""))

    deliveries = [
        (_members(tmp_path / "d5", [(1, "gold", "2024-01-05 10:00:00")]), "2024-02-05"),
        (_members(tmp_path / "d3", [(1, "basic", "2024-01-03 10:00:00")]), "2024-02-03"),  # delivered late
    ]
    each, _ = _both(tmp_path, deliveries, no_order_by)
    assert each.query("SELECT tier, CAST(_batch_date AS VARCHAR) FROM staging.members") == [("gold", "2024-02-05")]


def test_a_conflict_is_between_rows_of_one_batch(tmp_path):
    def rejecting(workspace):
        spec = workspace.pipeline / "sources" / "members.yml"
        spec.write_text(
            spec.read_text().replace("deduplicate: {order_by: [updated_at], keep: last}\n", "on_conflict: reject\n")
        )

    same_time = "2024-01-02 10:00:00"
    deliveries = [
        (_members(tmp_path / "d1", [(1, "gold", same_time), (2, "gold", same_time)]), "2024-02-01"),
        # batch 2: member 1 once (clean: it replaces batch 1's), member 2 twice, differing (a conflict)
        (_members(tmp_path / "d2", [(1, "basic", same_time), (2, "x", same_time), (2, "y", same_time)]), "2024-02-02"),
    ]
    each, once = _both(tmp_path, deliveries, rejecting)
    assert each.query("SELECT member_id, tier FROM staging.members ORDER BY 1") == [(1, "basic"), (2, "gold")]
    assert once.query("SELECT COUNT(*) FROM elt.rejects WHERE kind = 'conflict'") == [(2,)]


@pytest.mark.parametrize("runs_each", [True, False])
def test_an_append_feed_re_sending_a_row_exactly_collapses_it(tmp_path, runs_each):
    day1 = shop_delivery(tmp_path / "day01", {}, [("p1", 1, "2024-01-05"), ("p2", 1, "2024-01-06")])
    day2 = shop_delivery(tmp_path / "day02", {}, [("p2", 1, "2024-01-06"), ("p3", 2, "2024-01-07")])  # p2 again
    workspace = _by_runs(tmp_path, [(day1, "2024-02-01"), (day2, "2024-02-02")], runs_each)
    assert workspace.query("SELECT purchase_id FROM staging.purchases ORDER BY 1") == [("p1",), ("p2",), ("p3",)]


def test_a_late_batch_re_sending_an_append_row_exactly_keeps_its_earlier_copy_either_way(tmp_path):
    """Adversarial round 27 (append_late_exact_resend): p2 staged from batch 2024-02-02, then
    re-sent exactly by a late batch 2024-02-01. One load of both keeps the 02-01 copy (batches
    load in date order, the later copy collapses); a run per batch kept the 02-02 one, so
    `_batch_date` and `_source_file` — which models may read — depended on how often runs ran."""
    late = shop_delivery(tmp_path / "day01", {}, [("p2", 1, "2024-01-06"), ("p3", 2, "2024-01-07")])
    first = shop_delivery(tmp_path / "day02", {}, [("p1", 1, "2024-01-05"), ("p2", 1, "2024-01-06")])
    each, once = _both(tmp_path, [(first, "2024-02-02"), (late, "2024-02-01")])
    query = "SELECT purchase_id, CAST(_batch_date AS VARCHAR) FROM staging.purchases ORDER BY 1"
    assert each.query(query) == [("p1", "2024-02-02"), ("p2", "2024-02-01"), ("p3", "2024-02-01")]


def test_a_corrected_redelivery_of_a_loaded_file_keeps_the_loaded_one_and_loads_after_it(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    first = _members(tmp_path / "d1", [(1, "gold", "2024-01-02 10:00:00"), (2, "gold", "2024-01-02 10:00:00")])
    assert not workspace.ingest(first, "2024-02-01").failed
    assert _loaded(workspace.run(datetime.datetime(2024, 2, 1)))
    loaded = sorted(p.name for p in workspace.lake.rglob("members_x*.parquet"))
    corrected = _members(tmp_path / "d1b", [(1, "silver", "2024-01-02 11:00:00"), (2, "gold", "2024-01-02 10:00:00")])
    report = workspace.ingest(corrected, "2024-02-01")  # the same name, other bytes, the same batch
    assert not report.failed and any("a new version of" in n for f in report.files for n in f.notes)
    files = sorted(p.name for p in workspace.lake.rglob("members_x*.parquet"))
    assert len(files) == 2 and loaded[0] in files  # the loaded file is still there, as it was
    assert _loaded(workspace.run(datetime.datetime(2024, 2, 2)))
    assert workspace.query("SELECT member_id, tier FROM staging.members ORDER BY 1") == [(1, "silver"), (2, "gold")]
    assert _loaded(workspace.run(datetime.datetime(2024, 2, 3)))  # and later runs go on


def _snapshots(workspace):
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text().replace("load_mode: upsert", "load_mode: full_refresh"))


def test_an_empty_snapshot_in_a_backlog_does_not_pass_over_the_good_one_before_it(tmp_path):
    deliveries = [
        (
            _members(tmp_path / "d1", [(1, "gold", "2024-01-01 10:00:00"), (2, "gold", "2024-01-01 10:00:00")]),
            "2024-02-01",
        ),
        (_members(tmp_path / "d2", []), "2024-02-02"),  # a header, no rows
    ]
    each, once = _both(tmp_path, deliveries, _snapshots)
    assert once.query("SELECT member_id FROM staging.members ORDER BY 1") == [(1,), (2,)]


def test_a_snapshot_delivered_late_with_an_earlier_batch_date_replaces_nothing(tmp_path):
    deliveries = [
        (_members(tmp_path / "d5", [(1, "gold", "2024-01-05 10:00:00")]), "2024-02-05"),
        (
            _members(tmp_path / "d3", [(1, "basic", "2024-01-03 10:00:00"), (3, "x", "2024-01-03 10:00:00")]),
            "2024-02-03",
        ),
    ]
    each, _ = _both(tmp_path, deliveries, _snapshots)
    assert each.query("SELECT member_id, tier FROM staging.members") == [(1, "gold")]
    result = each.run(datetime.datetime(2024, 3, 2))  # nothing new: the late snapshot was recorded
    assert next(o for o in result.outcomes if o.step == "load:members").detail == "no new files"


@pytest.mark.parametrize("runs_each", [True, False])
def test_an_append_feed_re_sending_a_row_with_other_values_fails_either_way(tmp_path, runs_each):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    day1 = shop_delivery(tmp_path / "day01", {}, [("p1", 1, "2024-01-05")])
    day2 = shop_delivery(tmp_path / "day02", {}, [("p1", 2, "2024-01-05")])  # p1 again, another member
    outcomes = []
    for folder, date in [(day1, "2024-02-01"), (day2, "2024-02-02")]:
        assert not workspace.ingest(folder, date).failed
        if runs_each or date == "2024-02-02":
            outcomes.append(
                next(
                    o
                    for o in workspace.run(datetime.datetime.fromisoformat(date)).outcomes
                    if o.step == "load:purchases"
                )
            )
    error = outcomes[-1].error
    assert "append never overwrites" in error, outcomes[-1]
    # adversarial round 35 (append_conflict_unnamed): the failure names the key, where it came
    # from, and the way out — it said only "(1 key(s))"
    assert "`load_mode: upsert` and reload the source with `elt run --full --select purchases+`" in error
    if runs_each:
        assert "(1 key(s)): purchase_id=p1, file=" in error and "line=1, batch=2024-02-02" in error, error
    else:
        assert "(1 key(s)): purchase_id=p1, first_batch=2024-02-01, again_in_batch=2024-02-02" in error, error
    expected = [("p1", 1)] if runs_each else []  # the first batch's row, or nothing of a load that failed
    assert workspace.query("SELECT purchase_id, member_id FROM staging.purchases") == expected


def test_a_column_a_source_gains_is_added_to_its_staging_table_and_one_it_loses_is_refused_clearly(tmp_path):
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    assert not workspace.ingest(_members(tmp_path / "d1", [(1, "gold", "2024-01-01 10:00:00")]), "2024-02-01").failed
    assert _loaded(workspace.run(datetime.datetime(2024, 2, 1)))
    spec = workspace.pipeline / "sources" / "members.yml"
    original = spec.read_text()
    spec.write_text(
        original.replace(
            "  - {name: city, type: string}\n", "  - {name: city, type: string}\n  - {name: nickname, type: string}\n"
        )
    )
    folder = tmp_path / "d2"
    folder.mkdir()
    (folder / "members_y.csv").write_text(
        "member_id;email;tier;city;nickname;updated_at\n2;m2@x;gold;Oslo;Bo;2024-01-02 10:00:00\n"
    )
    assert not workspace.ingest(folder, "2024-02-02").failed
    result = workspace.run(datetime.datetime(2024, 2, 2))
    (load,) = [o for o in result.outcomes if o.step == "load:members"]
    assert not load.error and "column(s) nickname added to the table" in load.detail, load
    assert workspace.query("SELECT member_id, nickname FROM staging.members ORDER BY 1") == [(1, None), (2, "Bo")]
    spec.write_text(original.replace("  - {name: email, type: string}\n", ""))  # email dropped from the spec
    third = tmp_path / "d3"
    third.mkdir()
    (third / "members_z.csv").write_text("member_id;tier;city;updated_at\n3;gold;Oslo;2024-01-03 10:00:00\n")
    assert not workspace.ingest(third, "2024-02-03").failed
    (load,) = [o for o in workspace.run(datetime.datetime(2024, 2, 3)).outcomes if o.step == "load:members"]
    assert "staging.members has column(s) email, nickname no longer in the spec" in load.error, load
    assert workspace.query("SELECT COUNT(*) FROM staging.members") == [(2,)]  # nothing lost


def test_a_corrected_redelivery_ingested_before_any_run_wins_over_the_first(tmp_path):
    """Both versions load in one run: the rows name their version, which orders after the
    first, so the correction wins each key (it replaced the first file's bytes before)."""
    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    first = _members(tmp_path / "d1", [(1, "gold", "2024-01-02 10:00:00"), (2, "gold", "2024-01-02 10:00:00")])
    corrected = _members(tmp_path / "d1b", [(1, "silver", "2024-01-02 10:00:00"), (2, "gold", "2024-01-02 10:00:00")])
    for folder in (first, corrected):
        assert not workspace.ingest(folder, "2024-02-01").failed
    assert _loaded(workspace.run(datetime.datetime(2024, 2, 1)))
    rows = workspace.query("SELECT member_id, tier, _source_file FROM staging.members ORDER BY 1")
    assert [r[:2] for r in rows] == [(1, "silver"), (2, "gold")]
    assert rows[0][2].startswith("members_x.csv (version ")
