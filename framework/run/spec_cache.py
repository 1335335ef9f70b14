"""The digests of a pipeline's spec documents that this framework build validated against its
JSON schemas, kept beside the compiled manifests: a command that only reads the specs (`elt
ingest`) skips validating unchanged documents again — jsonschema's import and its walk of every
document cost ~0.1 s of an invocation whose budget is a second. The digest is of the bytes, so an
edited document is validated again; another framework build (its schemas may differ) trusts
nothing. A lost or unwritable file only costs validating again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

from framework.diagnostics import Diagnostic, has_errors
from framework.spec import model as m


def load_project_trusting(root: str, cache_dir: str) -> tuple[m.Project, list[Diagnostic]]:
    """`load_project`, skipping the schema validation of documents validated before; with the
    lint findings about how each source's landing files are read (a CSV quote that is the
    delimiter, a column format the reader refuses), which ingest must not get past."""
    from framework.lint.landing import landing_problems
    from framework.sourcefiles import framework_build
    from framework.spec.project import load_project

    path, build = _path(root, cache_dir), framework_build()
    trusted = _read(path, build)
    validated: set[str] = set()
    project, problems = load_project(root, trusted, validated)
    if not has_errors(problems) and validated != trusted:
        _write(path, build, validated)
    return project, problems + [found for source in project.sources for found in landing_problems(source)]


def _path(root: str, cache_dir: str) -> str:
    folder = hashlib.sha256(os.path.abspath(root).encode()).hexdigest()[:16]
    return os.path.join(cache_dir, f"validated-specs.{folder}.json")


def _read(path: str, build: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return frozenset()
    if not isinstance(record, dict) or record.get("framework") != build:
        return frozenset()
    digests = record.get("documents")
    return frozenset(d for d in digests if isinstance(d, str)) if isinstance(digests, list) else frozenset()


def _write(path: str, build: str, digests: set[str]) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"framework": build, "documents": sorted(digests)}, handle)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temporary)
