"""Batches as units: which pending lake files a run may load, from the batch records ingest
writes last (framework.lake.BatchRecord).

A run loads complete batches only, in batch order: the first pending batch that is not
complete — a file of it was refused at ingest, or it has no record yet because an ingest is
still writing it — stops that batch and every later one, for every source, so no delivery is
ever half loaded and no later delivery overtakes it. `--allow-partial <batch>` lets one named
batch load as it is, and the run says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework.lake import BatchRecord


@dataclass(frozen=True)
class BatchGate:
    blocked_from: str | None = None  # the first batch that may not load (and none after it)
    reason: str = ""  # why, naming the batch and the file that failed
    partial: tuple[str, ...] = ()  # incomplete batches let through by --allow-partial, with what they lack

    @classmethod
    def of(cls, records: dict[str, BatchRecord], pending: set[str], allow_partial: frozenset[str]) -> BatchGate:
        partial = []
        for batch in sorted(pending):
            record = records.get(batch)
            if record is not None and record.complete:
                continue
            what = _what_is_missing(batch, record)
            if batch in allow_partial:
                partial.append(f"batch {batch} loaded although incomplete (--allow-partial): {what}")
                continue
            hint = (
                "re-ingest the corrected delivery to complete it"
                if record is not None
                else "if no ingest is running, run `elt ingest` for it again"
            )
            return cls(batch, f"{what}; nothing of it or of any later batch is loaded: {hint}", tuple(partial))
        return cls(None, "", tuple(partial))

    def admits(self, batch: str) -> bool:
        return self.blocked_from is None or batch < self.blocked_from


def _what_is_missing(batch: str, record: BatchRecord | None) -> str:
    if record is None:
        return f"batch {batch} has no batch record: an ingest may still be writing it"
    # an ingest error names its file first already
    refused = "; ".join(why if why.startswith(file) else f"{file}: {why}" for file, why in record.failed[:3])
    more = f" (and {len(record.failed) - 3} more)" if len(record.failed) > 3 else ""
    return f"batch {batch} is incomplete, {len(record.failed)} file(s) refused at ingest — {refused}{more}"
