"""Compare two manifests: what must be rebuilt, what is metadata only, and how tables change.

A model needs a rebuild when its data fingerprint changed or any upstream spec's did
(the change flows down the graph). Table changes are additive when the only difference
is new nullable columns (ALTER TABLE ADD COLUMN keeps the rows), breaking otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from framework.compile.manifest import Manifest, SpecInfo, StepKind, step_id
from framework.spec.model import Materialization, SpecKind


class ChangeAction(StrEnum):
    """What a spec's change asks of the warehouse (a str: JSON output and tests read the value)."""

    ADDED = "added"
    REMOVED = "removed"
    REBUILD = "rebuild"
    REBUILD_UPSTREAM = "rebuild_upstream"
    REBUILD_PHYSICAL = "rebuild_physical"
    RECHECK = "recheck"
    METADATA = "metadata"
    NEXT_LOADS = "next_loads"
    UNCHANGED = "unchanged"


class TableChange(StrEnum):
    NONE = ""
    ADDITIVE = "additive"  # new nullable columns, added in place
    BREAKING = "breaking"  # kept rows cannot follow: the table must be made anew, which a user asks for
    REPLACED = "replaced"  # a table or view model: its next build makes it whole anyway


@dataclass(frozen=True)
class SpecChange:
    name: str
    action: ChangeAction
    reason: str
    table_change: TableChange = TableChange.NONE
    added_columns: tuple[str, ...] = ()
    alter_sql: tuple[str, ...] = ()
    breaking: tuple[str, ...] = ()  # what makes a breaking change breaking, one phrase per column
    remedy: str = ""  # what follows a table change: what the next run does, or what to run


@dataclass(frozen=True)
class ChangeReport:
    changes: tuple[SpecChange, ...] = field(default_factory=tuple)

    def by_action(self, action: ChangeAction) -> list[SpecChange]:
        return [c for c in self.changes if c.action == action]

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {"changes": [asdict(c) for c in self.changes]}


_DIRTY = (ChangeAction.REBUILD, ChangeAction.REBUILD_UPSTREAM, ChangeAction.ADDED)  # their readers follow
_REBUILT = (*_DIRTY, ChangeAction.REMOVED)


def compare(old: Manifest, new: Manifest, alter_statement=None) -> ChangeReport:
    """`alter_statement(spec_info, column_info) -> sql` renders ADD COLUMN for the target (optional)."""
    changes: dict[str, SpecChange] = {}
    for spec in new.specs:
        before = old.spec(spec.name)
        if before is None:
            changes[spec.name] = SpecChange(spec.name, ChangeAction.ADDED, "new spec")
            continue
        changes[spec.name] = _direct_change(before, spec, alter_statement, new)
    for spec in old.specs:
        if new.spec(spec.name) is None:
            changes[spec.name] = SpecChange(spec.name, ChangeAction.REMOVED, "spec deleted; its table is left in place")
    for spec in new.specs:  # graph order: upstream first
        change = changes[spec.name]
        if change.action in _REBUILT:
            continue
        dirty = [d for d in spec.depends_on if changes.get(d) and changes[d].action in _DIRTY]
        if dirty and spec.kind is SpecKind.MODEL:
            changes[spec.name] = SpecChange(
                spec.name,
                ChangeAction.REBUILD_UPSTREAM,
                f"upstream changed: {', '.join(dirty)}",
                change.table_change,
                change.added_columns,
                change.alter_sql,
                change.breaking,
                change.remedy,
            )
    order = [s.name for s in new.specs] + [s.name for s in old.specs if new.spec(s.name) is None]
    return ChangeReport(tuple(changes[n] for n in order))


def _direct_change(before: SpecInfo, after: SpecInfo, alter_statement, new: Manifest) -> SpecChange:
    if before.table != after.table:  # its layer's schema changed in pipeline.yml
        made = "reloaded from the lake" if after.kind is SpecKind.SOURCE else "built whole"
        if after.keeps_history:
            made = (
                "its versions copied from there, then built whole"
                if before.table_shape == after.table_shape
                else "built whole from what staging still holds (its columns changed too: the versions "
                "staging no longer has are not carried; move it first, change it after, to keep them)"
            )
        if after.keeps_history:  # the plan cannot see the warehouse: what a table there from before changes
            made += (
                f" — or, where {after.table} is the table it left there before, still of its shape, that one is "
                "kept with its versions"
            )
        return SpecChange(
            after.name,
            ChangeAction.REBUILD,
            f"its table moves from {before.table} to {after.table}: made anew there and {made}; "
            f"{before.table} is left in place",
        )
    rows_kept = (
        after.kind is SpecKind.SOURCE or after.materialization is Materialization.INCREMENTAL
    )  # not rebuilt whole
    table_change, added, alters, breaking = _table_change(before, after, alter_statement, rows_kept)
    if before.primary_key and after.primary_key and before.primary_key != after.primary_key:
        # a table's grain: PostgreSQL and Redshift declare it as its PRIMARY KEY, which no ALTER changes here
        keyed = f"primary key ({', '.join(before.primary_key)}) → ({', '.join(after.primary_key)})"
        table_change, alters, breaking = TableChange.BREAKING, (), (*breaking, keyed)
    if after.kind is SpecKind.SOURCE:
        found = _source_change(before, after, table_change, added, alters, breaking)
        if found is not None:
            return found
    elif before.fingerprint("data") != after.fingerprint("data"):
        return _model_change(after, table_change, added, alters, breaking, new)
    if before.fingerprint("physical") != after.fingerprint("physical"):
        return SpecChange(after.name, ChangeAction.REBUILD_PHYSICAL, "Redshift distribution or sort keys changed")
    if before.fingerprint("checks") != after.fingerprint("checks"):
        return SpecChange(after.name, ChangeAction.RECHECK, "checks changed; the data does not")
    if before.fingerprint("metadata") != after.fingerprint("metadata"):
        return SpecChange(after.name, ChangeAction.METADATA, "descriptions or owners changed; nothing to rebuild")
    return SpecChange(after.name, ChangeAction.UNCHANGED, "")


def _source_change(
    before: SpecInfo,
    after: SpecInfo,
    table_change: TableChange,
    added: tuple[str, ...],
    alters: tuple[str, ...],
    breaking: tuple[str, ...],
) -> SpecChange | None:
    """A source's change as its next load meets it (None: nothing of its data changed)."""
    reload = f"`elt run --full --select {after.name}+` reloads it from the lake under the new spec"
    if before.table_shape != after.table_shape:
        return SpecChange(
            after.name,
            ChangeAction.REBUILD,
            "its primary_key or load_mode changed: its staged rows were kept by the rule before, so its next "
            f"load fails until {reload}",
            table_change,
            added,
            alters,
            breaking,
            reload if breaking else "",
        )
    if table_change:
        unfilled = any("nullable: false" in phrase for phrase in breaking)
        remedy = (
            "the rows staged before have no value for it, nor do lake files ingested before: declare it "
            "nullable: true, or ingest the earlier deliveries again with it"
            if unfilled
            else f"its next load fails naming it until {reload}"
        )
        return SpecChange(
            after.name,
            ChangeAction.REBUILD,
            "columns changed",
            table_change,
            added,
            alters,
            breaking,
            remedy if breaking else "",
        )
    if before.fingerprint("data") != after.fingerprint("data"):
        return SpecChange(
            after.name,
            ChangeAction.NEXT_LOADS,
            "how its deliveries are read or kept changed (landing, de-duplication, conflicts, rejects): it applies "
            "to what is ingested and loaded from now on; nothing to rebuild",
        )
    return None


def _model_change(
    after: SpecInfo,
    table_change: TableChange,
    added: tuple[str, ...],
    alters: tuple[str, ...],
    breaking: tuple[str, ...],
    new: Manifest,
) -> SpecChange:
    """A model whose data changed, with what its next build does to its table."""
    reason = "columns, keys, history or SQL changed"
    if not table_change:
        return SpecChange(after.name, ChangeAction.REBUILD, reason)
    if after.materialization is not Materialization.INCREMENTAL:  # a table or view is made whole by every build
        return SpecChange(
            after.name,
            ChangeAction.REBUILD,
            reason,
            TableChange.REPLACED if table_change is TableChange.BREAKING else table_change,
            added,
            (),
            breaking,
            f"its next build recreates the {after.materialization}",
        )
    build = new.step(step_id(StepKind.BUILD, after.name))
    not_in_place = [c for c in added if build is None or build.addition(c) is None]
    if table_change is TableChange.ADDITIVE and not_in_place:
        breaking = tuple(
            f"{c} added to a table whose rows before cannot be filled in place (a time_range model)"
            for c in not_in_place
        )
        table_change, alters = TableChange.BREAKING, ()
    remedy = f"`elt run --full --select {after.name}` recreates the table and rebuilds it" if breaking else ""
    if breaking and after.keeps_history:
        remedy += (
            f" — from what staging still holds: the versions it no longer has (an upsert source keeps one row per "
            f"key) are lost; copy {after.table} first to keep them"
        )
    elif added and after.keeps_history:
        remedy = (
            "added in place: a version whose opening observation staging still holds gets the value; closed "
            "versions before, and a current one staging no longer observes, keep NULL in the new column(s)"
        )
    return SpecChange(after.name, ChangeAction.REBUILD, reason, table_change, added, alters, breaking, remedy)


def _table_change(
    before: SpecInfo, after: SpecInfo, alter_statement, rows_kept: bool = True
) -> tuple[TableChange, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(kind, added columns, ALTER statements, what makes it breaking). `rows_kept`: the table's
    rows stay across builds (a new column `nullable: false` has no value in them)."""
    old_cols = {c.name: c for c in before.columns}
    new_cols = {c.name: c for c in after.columns}
    if old_cols == new_cols:
        return TableChange.NONE, (), (), ()
    added = [c for c in after.columns if c.name not in old_cols]
    breaking = (
        *(f"{n} removed" for n in old_cols if n not in new_cols),
        *(_retyped(old_cols[n], new_cols[n]) for n in old_cols if n in new_cols and old_cols[n] != new_cols[n]),
        *(
            f"{c.name} added as nullable: false (the rows before have no value)"
            for c in added
            if not c.nullable and rows_kept
        ),
    )
    if breaking:
        return TableChange.BREAKING, tuple(c.name for c in added), (), breaking
    alters = tuple(alter_statement(after, c) for c in added) if alter_statement else ()
    return TableChange.ADDITIVE, tuple(c.name for c in added), alters, ()


def _retyped(old, new) -> str:
    if old.type != new.type:
        return f"{new.name} {old.type} → {new.type}"
    if old.nullable != new.nullable:
        return f"{new.name} nullable: {str(old.nullable).lower()} → {str(new.nullable).lower()}"
    return f"{new.name} stored as {old.stored} → {new.stored}"


_LABELS = {
    ChangeAction.ADDED: "new",
    ChangeAction.REMOVED: "removed",
    ChangeAction.REBUILD: "rebuild",
    ChangeAction.REBUILD_UPSTREAM: "rebuild (upstream)",
    ChangeAction.REBUILD_PHYSICAL: "rebuild on Redshift (physical layout)",
    ChangeAction.RECHECK: "re-run checks",
    ChangeAction.METADATA: "metadata only",
    ChangeAction.NEXT_LOADS: "next loads only",
    ChangeAction.UNCHANGED: "unchanged",
}


def format_report(report: ChangeReport) -> str:
    lines = []
    for change in report.changes:
        if change.action is ChangeAction.UNCHANGED:
            continue
        detail = f" — {change.reason}" if change.reason else ""
        table = f"; table change: {change.table_change}" if change.table_change else ""
        if change.breaking:  # the columns it adds too: the reload or rebuild brings them
            also = f"; new columns: {', '.join(change.added_columns)}" if change.added_columns else ""
            table += f" ({'; '.join(change.breaking)}{also}: {change.remedy})"
        elif change.added_columns:
            remedy = f"; {change.remedy}" if change.remedy else ""
            table += f" (new columns: {', '.join(change.added_columns)}{remedy})"
        elif change.remedy:
            table += f" ({change.remedy})"
        lines.append(f"{_LABELS[change.action]:<22} {change.name}{detail}{table}")
        lines += [f"{'':<22}   {sql}" for sql in change.alter_sql]
    unchanged = len(report.by_action(ChangeAction.UNCHANGED))
    lines.append(f"{unchanged} spec(s) unchanged")
    return "\n".join(lines)
