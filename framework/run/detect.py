"""Which lake files a source still has to load: those the warehouse ledger has not recorded
(by lake key: `<pipeline>/<source>/batch_date=D/<file>`, wherever the lake lives).

A file already in the ledger is never loaded again; one whose bytes changed since it was
loaded is refused (corrections arrive as new files, so history stays reproducible) — unless
the source is reloaded from the lake whole (`elt run --full`), which reads every file as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framework.compile.manifest import InternalQuery, Manifest
from framework.execute.session import Session
from framework.execute.steps import run_statement
from framework.lake import Lake, LakeFile, batch_date_of, lake_key


@dataclass
class Pending:
    source: str
    new: list[LakeFile] = field(default_factory=list)
    changed: list[tuple[LakeFile, str]] = field(default_factory=list)  # (file now, checksum when loaded)
    newest_rows: str = ""  # the latest batch date of a loaded file with rows (a snapshot's: the one loaded)
    loaded: list[LakeFile] = field(default_factory=list)  # in the ledger, unchanged
    missing: list[str] = field(default_factory=list)  # in the ledger, no longer in the lake (lake keys)

    def everything(self, new: list[LakeFile] | None = None) -> list[LakeFile]:
        """Every lake file of the source, as a reload reads them: those loaded (changed or not)
        and the new ones (or `new`: those of them a reload may load now)."""
        files = [*self.loaded, *(f for f, _ in self.changed), *(self.new if new is None else new)]
        return sorted(files, key=lambda f: f.key)


def pending_files(conn: Session, manifest: Manifest, lake: Lake, source: str) -> Pending:
    query = manifest.internal_sql(InternalQuery.LEDGER_FILES)
    ledger = run_statement(conn, query, {"pipeline": manifest.pipeline.name, "source": source})
    # by the file's lake key: the ledger does not depend on where the lake is
    loaded = {lake_key(path): checksum for path, checksum, _, _ in ledger}
    pending = Pending(source, newest_rows=max((batch_date_of(path) for path, _, _, rows in ledger if rows), default=""))
    for lake_file in lake.list_files(manifest.pipeline.name, source):
        if lake_file.key not in loaded:
            pending.new.append(lake_file)
        elif loaded[lake_file.key] != lake_file.checksum:
            pending.changed.append((lake_file, loaded[lake_file.key]))
        else:
            pending.loaded.append(lake_file)
    present = {f.key for f in (*pending.loaded, *(f for f, _ in pending.changed))}
    pending.missing = sorted(set(loaded) - present)
    return pending
