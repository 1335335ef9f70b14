"""A fingerprint of a pipeline folder's spec files: tells whether a compiled manifest is stale.

Stdlib only: checking freshness must stay cheaper than compiling.
"""

from __future__ import annotations

import hashlib
import os

SPEC_FILE_SUFFIXES = (".yml", ".yaml", ".sql")


def source_fingerprint(root: str) -> str:
    """A hash of every spec and SQL file under the pipeline folder (relative names and bytes)."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SPEC_FILE_SUFFIXES):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read() + b"\0")
    return digest.hexdigest()[:16]
