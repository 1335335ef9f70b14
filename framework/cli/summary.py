"""A human summary of a linted pipeline: what it loads, what it builds, in which order."""

from __future__ import annotations

from collections import Counter

from framework.spec.model import ModelSpec, Project


def summarize(project: Project) -> str:
    from framework.graph import build_graph

    pipeline = project.pipeline
    assert pipeline is not None, "a project that lints clean has its pipeline spec (E213)"
    graph, _ = build_graph(project)
    layers = Counter(m.layer.value for m in project.models)
    history = Counter(m.history.type for m in project.models if m.history)
    checks = sum(len(m.checks) for m in project.models)
    lines = [
        f"pipeline {pipeline.name} ({project.root})",
        f"  owner {pipeline.owner}; schedule {pipeline.schedule} from {pipeline.start_date}; "
        f"targets {', '.join(f'{t.name} ({t.type})' for t in pipeline.targets)}; default {pipeline.default_target}",
        f"  sources  {len(project.sources):>3}  "
        + ", ".join(f"{s.name} ({len(s.columns)} cols, {s.load_mode.value})" for s in project.sources),
        f"  models   {len(project.models):>3}  "
        + ", ".join(f"{count} {layer}" for layer, count in sorted(layers.items()))
        + (f"; history: {', '.join(f'{n} {k}' for k, n in sorted(history.items()))}" if history else ""),
        f"  checks   {checks:>3}",
        "  run order: " + " → ".join(n for n in graph.order() if isinstance(project.spec(n), ModelSpec)),
    ]
    return "\n".join(lines)
