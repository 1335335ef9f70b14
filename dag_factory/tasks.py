"""Task ids: the one name each load, build and check step has in every DAG (the DAG builder
names its tasks so; the summary task maps the run log's steps back to them)."""

from __future__ import annotations

from framework.compile.manifest import Manifest, SpecInfo, StepInfo, StepKind


def spec_of(manifest: Manifest, step: StepInfo) -> SpecInfo:
    """The spec a load, build or check step works on: the plan gives each of them one."""
    assert step.spec is not None, f"step {step.id} works on no spec"
    return spec_named(manifest, step.spec)


def spec_named(manifest: Manifest, name: str) -> SpecInfo:
    spec = manifest.spec(name)
    assert spec is not None, f"spec {name} is not in the manifest"
    return spec


def task_id(manifest: Manifest, step: StepInfo) -> str:
    if step.kind is StepKind.LOAD:
        return f"load.{step.spec}"
    layer = spec_of(manifest, step).layer
    return f"{layer}.{step.spec}" + ("_checks" if step.kind is StepKind.CHECK else "")
