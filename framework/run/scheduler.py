"""What runs, what is skipped and what changed, decided from the manifest alone: no database.

A model is rebuilt when a run asks for everything (`--full`), when an upstream load brought
rows or an upstream model was rebuilt in this run, or when what its last published build
recorded (data and checks fingerprints) differs: a changed definition or checks, a build that
never finished or failed its checks, or an upstream change that invalidated it (a load or build
upstream records that in the same transaction, so a run that stops halfway still leaves it to
rebuild). A step whose upstream failed is skipped, and so is everything downstream of it.
Checks run for the models this run changed, or whose relationships checks read a model it
changed; the others keep their last verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framework.compile.manifest import SpecInfo
from framework.spec.model import Materialization


@dataclass
class Scheduler:
    full: bool = False  # rebuild every model even when up to date
    full_checks: bool = False  # audit every model's whole table, built in this run or not
    built: dict[str, str] = field(default_factory=dict)  # model → data fingerprint of its last completed build
    shapes: dict[str, str] = field(default_factory=dict)  # model → the table shape its last build made
    changed: set[str] = field(default_factory=set)  # specs whose data changed in this run
    blocked: dict[str, str] = field(default_factory=dict)  # spec → why its dependents cannot run

    def block(self, spec: str, reason: str) -> None:
        self.blocked[spec] = reason

    def mark_changed(self, spec: str) -> None:
        self.changed.add(spec)

    def blocker(self, spec: SpecInfo) -> str | None:
        """Why `spec` cannot run ('<upstream> <its reason>'), None when nothing upstream failed.
        A blocked spec blocks its own dependents in turn."""
        upstream = next((d for d in spec.depends_on if d in self.blocked), None)
        if upstream is None:
            return None
        why = f"{upstream} {self.blocked[upstream]}"
        self.block(spec.name, f"upstream {why}")
        return why

    def rebuild_reason(self, spec: SpecInfo) -> str | None:
        """Why the model must be built in this run; None when it is up to date."""
        if self.full:
            return "a full run"
        upstream = next((d for d in spec.depends_on if d in self.changed), None)
        if upstream is not None:
            return f"{upstream} changed"
        recorded = self.built.get(spec.name)
        if recorded != spec.built_from:
            return "never built" if recorded is None else "its definition or its checks changed"
        if self.reshapes(spec):
            return "its table's shape (keys, Redshift hints) changed"
        return None

    def reshapes(self, spec: SpecInfo) -> bool:
        """A table model whose table was made for another shape (or an unknown one): its build
        recreates the table. Other builds keep their table: a table model refills it in place,
        so grants and the views on it survive."""
        return spec.materialization is Materialization.TABLE and self.shapes.get(spec.name) != spec.table_shape

    def wants_checks(self, spec: str, parent_lost_rows: bool = False) -> bool:
        """A model's checks run when this run changed it, or when a parent its relationships
        checks read may have lost rows in this run (the model's rows may dangle: the checks say so
        on its published state, as a load from scratch would refuse it) — and with --full-checks
        for every model this run does not block (up to date: on its published rows)."""
        return spec in self.changed or parent_lost_rows or (self.full_checks and spec not in self.blocked)
