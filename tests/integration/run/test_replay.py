"""Replaying history batch by batch ends in exactly the star schema one full load builds."""

from __future__ import annotations

import datetime
import importlib.util

import pytest

from tests.conftest import OLIST
from tests.support.workspace import Workspace, model_digests


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


def test_monthly_replay_equals_the_full_load(full_load, tmp_path):
    batches_dir = tmp_path / "batches"
    batches = load_replay().replay(str(OLIST / "sample"), str(batches_dir), "month")
    assert len(batches) >= 24
    workspace = Workspace(tmp_path, OLIST)
    for batch in batches:
        report = workspace.ingest(batches_dir / batch, batch)
        assert not report.failed, [f.error for f in report.failed]
        result = workspace.run(datetime.datetime.fromisoformat(batch))
        assert result.ok, (batch, [(o.step, o.error) for o in result.outcomes if o.error])
    replayed, full = model_digests(workspace.warehouse), model_digests(full_load.warehouse)
    assert sorted(replayed) == sorted(full)
    differing = [name for name in full if replayed[name] != full[name]]
    assert differing == []
    # the history really was incremental: orders were upserted through their milestones
    statuses = workspace.query("SELECT COUNT(DISTINCT _batch_date) FROM staging.orders")[0][0]
    assert statuses > 10


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
