"""Ingest landing files that arrive in S3: pull each source's matching objects to a temporary
folder, ingest them as usual (the lake may be S3 too), and report them under their S3 paths.

Landing objects are left in place: the bucket's lifecycle rule expires them, and re-ingesting a
file writes the same lake object (same bytes, same ETag), so a retried task is harmless.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING

from framework.ingest import IngestReport, ingest_pipeline
from framework.lake.s3 import landing_key_prefix, landing_name_matches
from framework.spec import model as m

if TYPE_CHECKING:
    from framework.lake.s3 import S3Lake


def ingest_from_s3(
    project: m.Project,
    lake: S3Lake,  # lists and downloads the landing objects
    landing_bucket: str,
    landing_prefix: str,
    batch_date: str,
    only: set[str] | None = None,
    workers: int = 2,
    memory_limit: int | None = None,
    dated: str = "",
) -> IngestReport:
    below = f"s3://{landing_bucket}/{landing_key_prefix(landing_prefix)}"
    names = lake.landing_objects(landing_bucket, landing_prefix)
    with tempfile.TemporaryDirectory(prefix="elt-landing-") as folder:
        origin: dict[str, str] = {}  # local copy → its S3 path
        matched: set[str] = set()
        for source in project.sources:
            matching = [name for name in names if landing_name_matches(name, source.landing.path)]
            matched.update(matching)
            if only and source.name not in only:
                continue
            for name in matching:
                # under its path below the prefix, as a landing folder holds it: the pattern
                # matches it there, and the landing record names it so
                origin[lake.download(below + name, folder, name)] = below + name
        report = ingest_pipeline(
            project, folder, lake, batch_date, only=only, workers=workers, memory_limit=memory_limit, dated=dated
        )
    if not only:  # an object no pattern matches is named, as in a landing folder
        report.unmatched = [below + name for name in names if name not in matched and _a_delivery(name)]
    for item in report.files:
        item.landing_path = origin.get(item.landing_path, item.landing_path)
        item.error = item.error.replace(folder, f"s3://{landing_bucket}/{landing_prefix.strip('/')}")
    return report


def _a_delivery(name: str) -> bool:
    """What a landing folder's unmatched files leave out, left out here too: hidden names (and
    whatever is below a hidden folder), a README, and the empty "folder" objects of S3 consoles."""
    parts = name.split("/")
    return all(part and not part.startswith(".") for part in parts) and not parts[-1].upper().startswith("README")
