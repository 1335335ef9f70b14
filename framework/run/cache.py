"""The compiled manifest, cached beside the warehouse and reused while the specs are unchanged.

Checking freshness costs one pass over the spec files' bytes, so an invocation with nothing to
do never imports the linter or sqlglot.
"""

from __future__ import annotations

import os

from framework.compile.manifest import Manifest
from framework.errors import CompileError, SpecError
from framework.settings import TargetSettings
from framework.spec.targets import TargetType


def cache_path(cache_dir: str, pipeline: str, target: str) -> str:
    return os.path.join(cache_dir, f"{pipeline}.{target}.manifest.json")


def manifest_for(root: str, settings: TargetSettings, store: bool = True) -> tuple[Manifest, bool]:
    """The manifest of the pipeline at `root` for the dialect of a resolved target, in its cache
    (`store=False`: a read-only command's, compiled without writing the cache)."""
    return load_or_compile(
        root, settings.type.dialect, settings.cache_dir, pipeline_name=settings.pipeline, store=store
    )


def load_or_compile(
    root: str, target_name: str | None, cache_dir: str, pipeline_name: str | None = None, store: bool = True
) -> tuple[Manifest, bool]:
    """(manifest, compiled_now). Lints and compiles only when the specs changed since the cache.
    Knowing the pipeline's name lets it read just that pipeline's cached manifests."""
    from framework.sourcefiles import framework_build, source_fingerprint

    fingerprint, build = source_fingerprint(root), framework_build()
    for candidate in _cached(cache_dir, pipeline_name):
        if (
            candidate.pipeline.source_fingerprint == fingerprint
            and candidate.framework_version == build
            and _target_matches(candidate, target_name)
        ):
            return candidate, False
    manifest = _compile(root, target_name)
    if not store:
        return manifest, True
    os.makedirs(cache_dir, exist_ok=True)
    path = cache_path(cache_dir, manifest.pipeline.name, manifest.target)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
    os.replace(temporary, path)
    return manifest, True


def _target_matches(manifest: Manifest, target_name: str | None) -> bool:
    name = target_name or manifest.pipeline.default_target
    named = next((t for t in manifest.pipeline.targets if t.name == name), None)
    warehouse = TargetType(named.type).dialect if named else name
    return warehouse == manifest.target


def _cached(cache_dir: str, pipeline_name: str | None = None):
    if not os.path.isdir(cache_dir):
        return
    for name in sorted(os.listdir(cache_dir)):
        if name.endswith(".manifest.json") and (pipeline_name is None or name.startswith(pipeline_name + ".")):
            try:
                with open(os.path.join(cache_dir, name), encoding="utf-8") as handle:
                    yield Manifest.from_json(handle.read())
            except (OSError, ValueError, KeyError, TypeError, CompileError):
                continue  # a stale or damaged cache is simply rebuilt


def _compile(root: str, target_name: str | None) -> Manifest:
    from framework.compile import compile_project
    from framework.diagnostics import has_errors
    from framework.lint import lint_project_folder

    project, diagnostics = lint_project_folder(root)
    if has_errors(diagnostics):
        raise SpecError(f"{len(diagnostics)} finding(s) in the specs", diagnostics)
    return compile_project(project, target_name)
