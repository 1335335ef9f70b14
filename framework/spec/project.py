"""Find pipeline folders and load every spec in one into a Project.

A pipeline folder holds one `pipeline.yml` and any number of source and model
specs (`*.yml` / `*.yaml`) in any sub-folders; a spec's `kind`, not its folder,
says what it is.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.build import build_spec
from framework.spec.discovery import PIPELINE_FILE, SPEC_SUFFIXES, find_pipeline_roots
from framework.spec.validate import spec_kind, validate_document, without_nested_unknown_fields
from framework.spec.yaml_io import load_document

__all__ = ["PIPELINE_FILE", "SPEC_SUFFIXES", "find_pipeline_roots", "load_project", "spec_files"]


def spec_files(root: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.normpath(os.path.join(folder, f)) for f in sorted(files) if f.endswith(SPEC_SUFFIXES))
    return found


def load_project(
    root: str, trusted: Collection[str] = (), validated: set[str] | None = None
) -> tuple[m.Project, list[Diagnostic]]:
    """The project's specs and the findings of reading them. A document whose bytes' sha256 is in
    `trusted` (bytes this framework build validated before: `framework.run.spec_cache`) skips the
    JSON-schema validation; `validated` collects the digests of the documents that passed it."""
    found: list[Diagnostic] = []
    pipelines: list[m.PipelineSpec] = []
    sources: list[m.SourceSpec] = []
    models: list[m.ModelSpec] = []
    unbuilt: list[str] = []
    for path in spec_files(root):
        spec = _load_spec(path, found, trusted, validated)
        if spec is None:
            unbuilt.append(os.path.splitext(os.path.basename(path))[0])
        elif isinstance(spec, m.PipelineSpec):
            pipelines.append(spec)
        elif isinstance(spec, m.SourceSpec):
            sources.append(spec)
        else:
            models.append(spec)
    if not pipelines and not any(d.path.endswith(PIPELINE_FILE) for d in found):
        found.append(
            Diagnostic(
                os.path.normpath(os.path.join(root, PIPELINE_FILE)),
                1,
                1,
                "E213",
                "no pipeline spec in this folder",
                hint="Add pipeline.yml with kind: pipeline.",
            )
        )
    for extra in pipelines[1:]:
        found.append(
            Diagnostic(
                extra.origin.path,
                1,
                1,
                "E213",
                f"a second pipeline spec; this folder's pipeline is {pipelines[0].origin.path}",
            )
        )
    project = m.Project(root, pipelines[0] if pipelines else None, tuple(sources), tuple(models), tuple(unbuilt))
    return project, found


def _load_spec(
    path: str, found: list[Diagnostic], trusted: Collection[str], validated: set[str] | None
) -> m.AnySpec | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        found.append(Diagnostic(path, 1, 1, "E003", f"cannot read the file: {err.strerror}"))
        return None
    doc, problems = load_document(path, data)
    found.extend(problems)
    if doc is None:
        return None
    kind, problems = spec_kind(doc)
    found.extend(problems)
    if kind is None:
        return None
    digest = hashlib.sha256(data).hexdigest()
    problems = [] if digest in trusted else validate_document(doc, kind)
    found.extend(problems)
    if any(p.code == "E106" for p in found if p.path == path):
        return None
    if problems:  # only unknown fields inside items: the rest is built and checked all the same
        pruned = without_nested_unknown_fields(doc, kind)
        if pruned is None:
            return None
        doc = pruned
    elif validated is not None:
        validated.add(digest)
    spec, problems = build_spec(doc, kind)
    found.extend(problems)
    return spec
