"""SCD2 statements executed for real on DuckDB over a sequence of batches (scenario tables).

Each batch lists observations (region, account_no, plan, owner, changed_at); after it, the
dimension must hold exactly the expected versions (…, valid_from, valid_to, is_current),
and the SCD2 invariants and the model's checks must pass.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import FIXTURES
from tests.support.duck import Warehouse, compile_fixture

OPEN = "9999-12-31 00:00:00"
T = dt.datetime.fromisoformat


def obs(region, account_no, plan, owner, changed_at):
    return {"region": region, "account_no": account_no, "plan": plan, "owner": owner, "changed_at": T(changed_at)}


# (what the batch exercises, batch date, observations, expected rows of the whole dimension afterwards)
HISTORY = [
    (
        "insert three accounts, one owner NULL",
        "2024-01-01",
        [
            obs("eu", 1, "basic", "ann", "2024-01-01 10:00"),
            obs("eu", 2, "pro", None, "2024-01-01 11:00"),
            obs("us", 1, "basic", "bob", "2024-01-01 09:00"),
        ],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", None, "2024-01-01 11:00:00", OPEN, True),
            ("us", 1, "basic", "bob", "2024-01-01 09:00:00", OPEN, True),
        ],
    ),
    (
        "a change, an unchanged re-send, NULL -> ''",
        "2024-01-02",
        [
            obs("eu", 1, "pro", "ann", "2024-01-02 10:00"),
            obs("us", 1, "basic", "bob", "2024-01-02 09:00"),
            obs("eu", 2, "pro", "", "2024-01-02 11:00"),
        ],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-02 10:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-02 10:00:00", OPEN, True),
            ("eu", 2, "pro", None, "2024-01-01 11:00:00", "2024-01-02 11:00:00", False),
            ("eu", 2, "pro", "", "2024-01-02 11:00:00", OPEN, True),
            ("us", 1, "basic", "bob", "2024-01-01 09:00:00", OPEN, True),
        ],
    ),
    (
        "two versions of one key in one batch; the first observation re-sent",
        "2024-01-03",
        [
            obs("us", 1, "basic", "carl", "2024-01-03 08:00"),
            obs("us", 1, "gold", "carl", "2024-01-03 12:00"),
            obs("eu", 1, "basic", "ann", "2024-01-01 10:00"),
        ],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-02 10:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-02 10:00:00", OPEN, True),
            ("eu", 2, "pro", None, "2024-01-01 11:00:00", "2024-01-02 11:00:00", False),
            ("eu", 2, "pro", "", "2024-01-02 11:00:00", OPEN, True),
            ("us", 1, "basic", "bob", "2024-01-01 09:00:00", "2024-01-03 08:00:00", False),
            ("us", 1, "basic", "carl", "2024-01-03 08:00:00", "2024-01-03 12:00:00", False),
            ("us", 1, "gold", "carl", "2024-01-03 12:00:00", OPEN, True),
        ],
    ),
    (
        "a late version lands between two existing ones and the windows re-chain",
        "2024-01-04",
        [obs("eu", 1, "premium", "ann", "2024-01-01 18:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-01 18:00:00", False),
            ("eu", 1, "premium", "ann", "2024-01-01 18:00:00", "2024-01-02 10:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-02 10:00:00", OPEN, True),
            ("eu", 2, "pro", None, "2024-01-01 11:00:00", "2024-01-02 11:00:00", False),
            ("eu", 2, "pro", "", "2024-01-02 11:00:00", OPEN, True),
            ("us", 1, "basic", "bob", "2024-01-01 09:00:00", "2024-01-03 08:00:00", False),
            ("us", 1, "basic", "carl", "2024-01-03 08:00:00", "2024-01-03 12:00:00", False),
            ("us", 1, "gold", "carl", "2024-01-03 12:00:00", OPEN, True),
        ],
    ),
    (
        "'' -> NULL; ('gold','carl') -> ('gol','dcarl') concatenates the same but differs",
        "2024-01-05",
        [obs("eu", 2, "pro", None, "2024-01-05 11:00"), obs("us", 1, "gol", "dcarl", "2024-01-05 12:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-01 18:00:00", False),
            ("eu", 1, "premium", "ann", "2024-01-01 18:00:00", "2024-01-02 10:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-02 10:00:00", OPEN, True),
            ("eu", 2, "pro", None, "2024-01-01 11:00:00", "2024-01-02 11:00:00", False),
            ("eu", 2, "pro", "", "2024-01-02 11:00:00", "2024-01-05 11:00:00", False),
            ("eu", 2, "pro", None, "2024-01-05 11:00:00", OPEN, True),
            ("us", 1, "basic", "bob", "2024-01-01 09:00:00", "2024-01-03 08:00:00", False),
            ("us", 1, "basic", "carl", "2024-01-03 08:00:00", "2024-01-03 12:00:00", False),
            ("us", 1, "gold", "carl", "2024-01-03 12:00:00", "2024-01-05 12:00:00", False),
            ("us", 1, "gol", "dcarl", "2024-01-05 12:00:00", OPEN, True),
        ],
    ),
]

# Daily full snapshots: an account missing from one is closed at the batch time; it may come back.
SNAPSHOTS = [
    (
        "two accounts",
        "2024-01-01",
        dt.datetime(2024, 1, 1),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00"), obs("eu", 2, "pro", "bea", "2024-01-01 11:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", OPEN, True),
        ],
    ),
    (
        "eu/2 is deleted",
        "2024-01-02",
        dt.datetime(2024, 1, 2),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
        ],
    ),
    (
        "eu/2 comes back: a new version after the gap; the deletion survives the rebuild",
        "2024-01-03",
        dt.datetime(2024, 1, 3),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00"), obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
        ],
    ),
    (
        "the same snapshot again changes nothing",
        "2024-01-04",
        dt.datetime(2024, 1, 4),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00"), obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
        ],
    ),
    # Adversarial round 21: a key back with an observation not after its deletion stayed deleted.
    (
        "a delivery in two parts: the first lacks eu/2, and the run after it closes eu/2",
        "2024-01-05",
        dt.datetime(2024, 1, 5),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", "2024-01-05 00:00:00", False),
        ],
    ),
    (
        "its second part holds eu/2: the batch read whole was never without it",
        "2024-01-05",
        dt.datetime(2024, 1, 5),
        [obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
        ],
    ),
    (
        "eu/1 is deleted",
        "2024-01-06",
        dt.datetime(2024, 1, 6),
        [obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
        ],
    ),
    (
        "eu/1 comes back as it was (its old changed_at): current again from the batch time",
        "2024-01-07",
        dt.datetime(2024, 1, 7),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00"), obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "basic", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
        ],
    ),
    (
        "eu/1 still there the next day: nothing changes",
        "2024-01-08",
        dt.datetime(2024, 1, 8),
        [
            obs("eu", 1, "basic", "ann", "2024-01-01 10:00"),
            obs("eu", 2, "pro", "bea", "2024-01-03 10:00"),
            obs("eu", 3, "pro", "cy", "2024-01-09 01:00"),  # stamped past the batch time by its source's clock
        ],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "basic", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
            ("eu", 3, "pro", "cy", "2024-01-09 01:00:00", OPEN, True),
        ],
    ),
    (
        "eu/3 deleted before it opened: closed a microsecond after it opened, never before",
        "2024-01-09",
        dt.datetime(2024, 1, 9),
        [obs("eu", 1, "basic", "ann", "2024-01-01 10:00"), obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "basic", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
            ("eu", 3, "pro", "cy", "2024-01-09 01:00:00", "2024-01-09 01:00:00.000001", False),
        ],
    ),
    # Adversarial round 31 (scd2_reappearance_hides_later_change): a change reported late, after
    # the key came back, fell before the version it came back with, which stayed current for good.
    (
        "eu/1 changed on 01-06 12:00, reported after it came back on 01-07: the change is current",
        "2024-01-10",
        dt.datetime(2024, 1, 10),
        [obs("eu", 1, "pro", "ann", "2024-01-06 12:00"), obs("eu", 2, "pro", "bea", "2024-01-03 10:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", OPEN, True),
            ("eu", 3, "pro", "cy", "2024-01-09 01:00:00", "2024-01-09 01:00:00.000001", False),
        ],
    ),
    # Adversarial round 31 (scd2_split_snapshot_valid_from): a delivery in two parts whose second
    # part brings a key back changed started the change at the batch time, not at its own.
    (
        "a delivery in two parts: the first lacks eu/2, the run after it closes eu/2",
        "2024-01-11",
        dt.datetime(2024, 1, 11),
        [obs("eu", 1, "pro", "ann", "2024-01-06 12:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", "2024-01-11 00:00:00", False),
            ("eu", 3, "pro", "cy", "2024-01-09 01:00:00", "2024-01-09 01:00:00.000001", False),
        ],
    ),
    (
        "its second part holds eu/2 changed on 01-10 09:00: the change starts then, as one run would have it",
        "2024-01-11",
        dt.datetime(2024, 1, 11),
        [obs("eu", 2, "basic", "bea", "2024-01-10 09:00")],
        [
            ("eu", 1, "basic", "ann", "2024-01-01 10:00:00", "2024-01-06 00:00:00", False),
            ("eu", 1, "pro", "ann", "2024-01-07 00:00:00", OPEN, True),
            ("eu", 2, "pro", "bea", "2024-01-01 11:00:00", "2024-01-02 00:00:00", False),
            ("eu", 2, "pro", "bea", "2024-01-03 10:00:00", "2024-01-10 09:00:00", False),
            ("eu", 2, "basic", "bea", "2024-01-10 09:00:00", OPEN, True),
            ("eu", 3, "pro", "cy", "2024-01-09 01:00:00", "2024-01-09 01:00:00.000001", False),
        ],
    ),
]

DIM_SQL = """SELECT region, account_no, plan, owner, CAST(valid_from AS VARCHAR), CAST(valid_to AS VARCHAR), is_current
             FROM dwh.{model} ORDER BY region, account_no, valid_from"""


@pytest.fixture(scope="module")
def compiled():
    return compile_fixture(FIXTURES / "scd2_case")


def test_history_scenarios(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    for label, batch_date, observations, expected in HISTORY:
        warehouse.load("account_events", batch_date, observations)
        warehouse.build("dim_account")
        assert warehouse.rows(DIM_SQL.format(model="dim_account")) == expected, label
        assert warehouse.failing_checks("dim_account") == {}, label


def test_rerunning_a_batch_changes_nothing(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    for _, batch_date, observations, _ in HISTORY[:3]:
        warehouse.load("account_events", batch_date, observations)
        warehouse.build("dim_account")
    before = warehouse.rows("SELECT * EXCLUDE (_build_seq) FROM dwh.dim_account ORDER BY ALL")
    warehouse.build("dim_account")
    assert warehouse.rows("SELECT * EXCLUDE (_build_seq) FROM dwh.dim_account ORDER BY ALL") == before


def test_every_version_of_a_touched_key_carries_the_build_that_wrote_it(compiled, tmp_path):
    """The dimension reads the latest batch only: each build rewrites the chains of the keys in
    it (every version, re-chained or not, gets the build's `_build_seq`); the versions of keys
    the batch does not name keep the marker of the build that last wrote them."""
    warehouse = Warehouse(*compiled, tmp_path)
    written_by: dict[tuple, int] = {}  # key → the build that last touched it
    for label, batch_date, observations, _ in HISTORY:
        warehouse.load("account_events", batch_date, observations)
        seq = warehouse.build("dim_account")
        written_by.update({(o["region"], o["account_no"]): seq for o in observations})
        rows = warehouse.rows("SELECT region, account_no, _build_seq FROM dwh.dim_account")
        assert [mark for *_, mark in rows] == [written_by[tuple(key)] for *key, _ in rows], (label, rows)
    assert sorted(set(written_by.values())) == [4, 5]  # eu/1 last in batch 4, the others in batch 5


def test_a_version_closed_by_a_hard_delete_carries_the_build_that_closed_it(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    sql = "SELECT region, account_no, is_current, _build_seq FROM dwh.dim_account_snapshot ORDER BY ALL"
    first, deleted, *_ = SNAPSHOTS
    for _, batch_date, batch_ts, observations, _ in (first, deleted):
        warehouse.load("account_events", batch_date, observations)
        warehouse.build("dim_account_snapshot", batch_ts)
    assert warehouse.rows(sql) == [("eu", 1, True, 2), ("eu", 2, False, 2)]  # eu/2 closed by build 2
    warehouse.load("account_events", "2024-01-03", deleted[3])  # eu/2 still absent: closed already
    warehouse.build("dim_account_snapshot", dt.datetime(2024, 1, 3))
    assert warehouse.rows(sql) == [("eu", 1, True, 3), ("eu", 2, False, 2)]


def test_surrogate_keys_are_stable_hashes_of_key_and_valid_from(compiled, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = Warehouse(*compiled, tmp_path / "a"), Warehouse(*compiled, tmp_path / "b")
    for warehouse in (one, two):
        for _, batch_date, observations, _ in HISTORY[:2]:
            warehouse.load("account_events", batch_date, observations)
            warehouse.build("dim_account")
    sql = "SELECT account_sk, region, account_no, valid_from FROM dwh.dim_account ORDER BY ALL"
    assert one.rows(sql) == two.rows(sql)
    assert len({row[0] for row in one.rows(sql)}) == len(one.rows(sql))


def test_hard_delete_scenarios(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    for label, batch_date, batch_ts, observations, expected in SNAPSHOTS:
        warehouse.load("account_events", batch_date, observations)
        warehouse.build("dim_account_snapshot", batch_ts)
        assert warehouse.rows(DIM_SQL.format(model="dim_account_snapshot")) == expected, label
        assert warehouse.failing_checks("dim_account_snapshot") == {}, label


def test_invariant_checks_catch_a_broken_history(compiled, tmp_path):
    warehouse = Warehouse(*compiled, tmp_path)
    warehouse.load("account_events", HISTORY[0][1], HISTORY[0][2])
    warehouse.build("dim_account")
    warehouse.rows(
        "UPDATE dwh.dim_account SET is_current = TRUE, valid_to = TIMESTAMP '2024-06-01' "
        "WHERE region = 'eu' AND account_no = 1"
    )
    warehouse.rows(
        "INSERT INTO dwh.dim_account SELECT 'x', 'eu', 1, 'pro', NULL, TIMESTAMP '2024-05-01', "
        "TIMESTAMP '2024-05-01', TIMESTAMP '9999-12-31', TRUE, 1"
    )
    assert warehouse.failing_checks("dim_account") == {
        "scd2_one_current_row_per_key": 1,
        "scd2_valid_windows": 1,
        "scd2_no_overlaps_or_gaps": 1,
    }
