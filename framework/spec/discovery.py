"""Where pipelines are: folders holding a `pipeline.yml`. Stdlib only — the DAG file finds its
pipelines with this at parse time, before (and without) loading any spec."""

from __future__ import annotations

import os

PIPELINE_FILE = "pipeline.yml"
SPEC_SUFFIXES = (".yml", ".yaml")


def find_pipeline_roots(path: str) -> list[str]:
    """Pipeline folders at or below `path`; for a file, the pipeline folder that holds it."""
    path = os.path.normpath(path)
    if os.path.isfile(path):
        folder = os.path.dirname(os.path.abspath(path))
        while True:
            if os.path.isfile(os.path.join(folder, PIPELINE_FILE)):
                return [os.path.relpath(folder) if not os.path.isabs(path) else folder]
            parent = os.path.dirname(folder)
            if parent == folder:
                return []
            folder = parent
    roots = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if PIPELINE_FILE in files:
            roots.append(folder)
            dirs[:] = []  # a pipeline's own sub-folders hold its specs, not other pipelines
    return sorted(roots)
