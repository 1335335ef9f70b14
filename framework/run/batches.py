"""Batches as units: which pending lake files a run may load, from the batch records ingest
writes last (framework.lake.BatchRecord).

A run loads complete batches only, in batch order: the first pending batch that is not
complete — a file of it was refused at ingest, it has no record yet because an ingest is
still writing it, or a lake file its record lists is gone or damaged before any run loaded
it — stops that batch and every later one, for every source, so no delivery is ever half
loaded (or silently short of a file) and no later delivery overtakes it. `--allow-partial
<batch>` lets one named batch load as it is, and the run says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework.lake import BatchRecord, LakeFile


@dataclass(frozen=True)
class BatchGate:
    blocked_from: str | None = None  # the first batch that may not load (and none after it)
    reason: str = ""  # why, naming the batch and the file that failed
    partial: tuple[str, ...] = ()  # incomplete batches let through by --allow-partial, with what they lack
    lost: tuple[tuple[str, str, str], ...] = ()  # (batch, source, why) of lake files not as ingested
    refused: frozenset[str] = frozenset()  # sources with a file refused at ingest in batch `blocked_from`
    # (source, note) for each source with a file refused in a batch --allow-partial let through:
    # a load with nothing of that batch to load still says it was passed over
    passed_over: tuple[tuple[str, str], ...] = ()
    let_through: frozenset[str] = frozenset()  # the incomplete batches --allow-partial let through

    @classmethod
    def of(
        cls,
        records: dict[str, BatchRecord],
        pending: set[str],
        allow_partial: frozenset[str],
        lost_files: tuple[tuple[str, str, str], ...] = (),
        loaded_through: str = "",
        marked: frozenset[str] = frozenset(),
    ) -> BatchGate:
        """`lost_files`: (batch, source, why) of lake files no longer as ingested (`not_as_ingested`).
        `loaded_through`: the latest batch a run loaded files of. An incomplete batch after it
        stops the later ones even with no file pending — a delivery whose every file was refused
        at ingest left none in the lake, yet a batch after it must not load before it. So does
        one up to it that is `marked` (LakeRecords.incomplete_batches): a file refused into a
        batch a run loaded before (a second delivery of the day) is not passed over either."""
        lost: dict[str, str] = {}
        for batch, _, why in lost_files:
            lost.setdefault(batch, why)
        refused = {
            batch
            for batch, record in records.items()
            if not record.complete and (batch > loaded_through or batch in marked)
        }
        partial = []
        passed_over: list[tuple[str, str]] = []
        let_through: set[str] = set()
        for batch in sorted(pending | set(lost) | refused):
            record = records.get(batch)
            if record is not None and record.complete and batch not in lost:
                continue
            what = lost.get(batch) or _what_is_missing(batch, record)
            if batch in allow_partial:
                let_through.add(batch)
                partial.append(f"batch {batch} loaded although incomplete (--allow-partial): {what}")
                for source in sorted({src for _, _, src in (record.failed if record else ()) if src}):
                    passed_over.append((source, f"batch {batch} passed over (--allow-partial): {what}"))
                continue
            hint = (
                "run `elt ingest` for that delivery again: it re-creates a lake file that is gone or damaged"
                if batch in lost
                else "re-ingest the corrected delivery to complete it"
                if record is not None
                else "if no ingest is running, run `elt ingest` for it again"
            )
            reason = f"{what}; nothing of it or of any later batch is loaded: {hint}"
            refused_sources = frozenset(source for _, _, source in (record.failed if record else ()) if source)
            return cls(
                batch, reason, tuple(partial), lost_files, refused_sources, tuple(passed_over), frozenset(let_through)
            )
        return cls(
            None, "", tuple(partial), lost_files, passed_over=tuple(passed_over), let_through=frozenset(let_through)
        )

    def withholds(self, source: str) -> str:
        """Why a batch with something of `source` — a lake file not as ingested, or a file refused at
        ingest — may not load, or ''. Nothing of that batch is in the lake to wait for, so the
        source's load fails rather than saying it has nothing new."""
        if any(src == source for _, src, _ in self.lost) or source in self.refused:
            return self.reason
        return ""

    def admits(self, batch: str) -> bool:
        return self.blocked_from is None or batch < self.blocked_from


def not_as_ingested(
    records: dict[str, BatchRecord], lake: dict[str, LakeFile], loaded: set[str], sources: set[str]
) -> tuple[tuple[str, str, str], ...]:
    """(batch, source, why) for each lake file of one of `sources` that a batch record lists,
    that no run has loaded (`loaded`: lake keys in the ledger) and that is gone from the lake or
    holds other bytes than the ingest wrote (`lake`: lake key → the file there now). A run must
    not load such a batch short of a file, nor a damaged file."""
    lost = []
    for batch, record in sorted(records.items()):
        for key, rows, checksum in record.files:
            source = key.split("/")[1]
            if key in loaded or source not in sources:
                continue
            there = lake.get(key)
            if there is None:
                lost.append(
                    (batch, source, f"batch {batch} lists lake file {key} ({rows:,} rows), which is not in the lake")
                )
            elif there.checksum != checksum:
                why = f"batch {batch} lists lake file {key}, whose bytes changed since it was ingested (damaged?)"
                lost.append((batch, source, why))
    return tuple(lost)


def _what_is_missing(batch: str, record: BatchRecord | None) -> str:
    if record is None:
        return f"batch {batch} has no batch record: an ingest may still be writing it"
    # an ingest error names its file (its whole path, its line) first already
    refused = "; ".join(why if file in why.split(" ", 1)[0] else f"{file}: {why}" for file, why, _ in record.failed[:3])
    more = f" (and {len(record.failed) - 3} more)" if len(record.failed) > 3 else ""
    return f"batch {batch} is incomplete, {len(record.failed)} file(s) refused at ingest — {refused}{more}"
