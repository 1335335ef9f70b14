"""Replaying history batch by batch ends in exactly the star schema one full load builds."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import OLIST
from tests.support.workspace import Workspace, model_digests, staging_digests


def load_replay():
    spec = importlib.util.spec_from_file_location("olist_replay", OLIST / "replay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def full_load(tmp_path_factory):
    workspace = Workspace(tmp_path_factory.mktemp("full"), OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    return workspace


def test_monthly_replay_of_every_source_through_the_cli_equals_the_full_load(full_load, tmp_path):
    """Issue 12's acceptance: every source delivered in every batch (header-only where a batch has
    no rows, the snapshot sources included), each batch through `elt ingest` + `elt run`, ends
    equal to one full load — every staging table (but for the ingest columns saying when and
    from where a row came), dimension, fact and mart."""
    batches_dir = tmp_path / "batches"
    batches = load_replay().replay(str(OLIST / "sample"), str(batches_dir), "month", every_source=True)
    assert len(batches) >= 24
    assert all(len(list((batches_dir / b).iterdir())) == 9 for b in batches)
    workspace = Workspace(tmp_path, OLIST)
    lake, warehouse = ("--lake", str(workspace.lake)), ("--warehouse", str(workspace.warehouse))
    for batch in batches:
        ingest = workspace.cli(
            "ingest", str(workspace.pipeline), "--from", str(batches_dir / batch), "--batch-date", batch, *lake
        )
        assert ingest.returncode == 0, (batch, ingest.stdout, ingest.stderr)
        run = workspace.cli(
            "run", str(workspace.pipeline), "--batch-date", batch, *lake, *warehouse, "--format", "json"
        )
        assert run.returncode == 0, (batch, run.stdout[-3000:], run.stderr)
        steps = {s["step"]: s for s in json.loads(run.stdout)["steps"]}
        kept = steps["load:geolocation"]
        if batch == batches[1]:  # a header-only snapshot keeps its table, and says so
            assert kept["status"] == "warned" and "empty snapshot" in kept["detail"], kept
        elif batch != batches[0]:  # the same header-only bytes again: ingest skipped them as delivered before
            assert (
                kept["status"] == "nothing new" and "olist_geolocation_dataset.csv: already ingested" in ingest.stdout
            )
    replayed, full = model_digests(workspace.warehouse), model_digests(full_load.warehouse)
    assert sorted(replayed) == sorted(full)
    assert [name for name in full if replayed[name] != full[name]] == []
    staged, full_staged = staging_digests(workspace.warehouse), staging_digests(full_load.warehouse)
    assert sorted(staged) == sorted(full_staged) and len(staged) == 9
    assert [name for name in full_staged if staged[name] != full_staged[name]] == []
    # the history really was incremental: orders were upserted through their milestones
    statuses = workspace.query("SELECT COUNT(DISTINCT _batch_date) FROM staging.orders")[0][0]
    assert statuses > 10
    lake_files = [p for p in workspace.lake.rglob("*.parquet") if "_rejects" not in p.parts]
    assert workspace.query("SELECT COUNT(*), COUNT(DISTINCT path) FROM elt.file_ledger") == [(len(lake_files),) * 2]


def test_replay_lands_orders_again_on_their_milestones(tmp_path):
    replay = load_replay()
    order = {
        "order_id": "o1",
        "customer_id": "c1",
        "order_status": "delivered",
        "order_purchase_timestamp": "2018-01-01 10:00:00",
        "order_approved_at": "2018-01-01 10:30:00",
        "order_delivered_carrier_date": "2018-01-03 09:00:00",
        "order_delivered_customer_date": "2018-01-09 15:00:00",
        "order_estimated_delivery_date": "2018-01-20 00:00:00",
    }
    landings = replay.order_landings(order, "day")
    assert [(batch, row["order_status"]) for batch, row in sorted(landings.items())] == [
        ("2018-01-01", "approved"),
        ("2018-01-03", "shipped"),
        ("2018-01-09", "delivered"),
    ]
    assert landings["2018-01-03"]["order_delivered_customer_date"] == ""
    assert landings["2018-01-09"] == order


def test_a_milestone_dated_before_the_purchase_lands_with_it_never_without_the_purchase():
    """Some real Olist orders have a carrier date before their purchase; across a period boundary
    replay landed that `shipped` row in the earlier batch with no purchase timestamp, which
    ingest refuses (not nullable), blocking every later batch (adversarial round 33)."""
    replay = load_replay()
    order = {
        "order_id": "o1",
        "customer_id": "c1",
        "order_status": "delivered",
        "order_purchase_timestamp": "2018-05-01 00:25:00",
        "order_approved_at": "2018-05-01 00:40:00",
        "order_delivered_carrier_date": "2018-04-30 23:18:00",
        "order_delivered_customer_date": "2018-05-09 15:00:00",
        "order_estimated_delivery_date": "2018-05-20 00:00:00",
    }
    landings = replay.order_landings(order, "month")
    assert sorted(landings) == ["2018-05-01"] and landings["2018-05-01"] == order
    daily = replay.order_landings(order, "day")
    assert sorted(daily) == ["2018-05-01", "2018-05-09"]
    assert all(row["order_purchase_timestamp"] == order["order_purchase_timestamp"] for row in daily.values())
    assert daily["2018-05-01"]["order_delivered_carrier_date"] == "2018-04-30 23:18:00"  # as the data has it
