"""The scheduler decides what runs from the manifest alone: no database, no warehouse."""

from __future__ import annotations

from framework.compile.manifest import SpecInfo
from framework.run.scheduler import Scheduler
from framework.spec.model import Materialization, SpecKind


def spec(name: str, *depends_on: str, fingerprint: str = "f1", checks: str = "c1") -> SpecInfo:
    fingerprints = (("data", fingerprint), ("checks", checks))
    return SpecInfo(
        name, SpecKind.MODEL, "dimension", f"dwh.{name}", Materialization.INCREMENTAL, (), depends_on, fingerprints
    )


def test_a_model_is_up_to_date_only_when_nothing_it_reads_changed():
    scheduler = Scheduler(built={"dim": "f1+c1"})
    assert scheduler.rebuild_reason(spec("dim", "customers")) is None
    changed = "its definition or its checks changed"
    assert scheduler.rebuild_reason(spec("dim", "customers", fingerprint="f2")) == changed
    assert scheduler.rebuild_reason(spec("dim", "customers", checks="c2")) == changed  # audited again
    assert scheduler.rebuild_reason(spec("fact", "dim")) == "never built"
    scheduler.mark_changed("customers")
    assert scheduler.rebuild_reason(spec("dim", "customers")) == "customers changed"
    assert scheduler.wants_checks("customers") and not scheduler.wants_checks("dim")


def test_a_full_run_rebuilds_everything():
    assert Scheduler(full=True, built={"dim": "f1+c1"}).rebuild_reason(spec("dim")) == "a full run"


def test_a_failure_blocks_everything_downstream_with_its_reason():
    scheduler = Scheduler()
    scheduler.block("orders", "its load failed")
    assert scheduler.blocker(spec("fact_orders", "customers", "orders")) == "orders its load failed"
    assert scheduler.blocker(spec("mart", "fact_orders")) == "fact_orders upstream orders its load failed"
    assert scheduler.blocker(spec("dim", "customers")) is None
    assert set(scheduler.blocked) == {"orders", "fact_orders", "mart"}
