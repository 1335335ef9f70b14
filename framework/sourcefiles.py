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


def framework_build() -> str:
    """The framework's version plus a digest of its own code files (names, sizes, times): a
    manifest cached by other framework code — an upgrade, a checkout — is stale even when the
    specs are not. Stat calls only, no reading."""
    from framework import __version__

    base = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                digest.update(f"{os.path.relpath(path, base)}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"
