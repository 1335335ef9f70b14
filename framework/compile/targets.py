"""A compile target: a warehouse name, or a target of pipeline.yml, resolved to its SQL dialect."""

from __future__ import annotations

from framework.diagnostics import did_you_mean
from framework.errors import ConfigError
from framework.spec.model import PipelineSpec
from framework.sql.dialects import DIALECTS, Dialect, get_dialect


class UnknownTarget(ConfigError):
    pass


def resolve_target(name: str | None, pipeline: PipelineSpec | None = None) -> Dialect:
    """A warehouse name (duckdb, redshift), or the name of a target in pipeline.yml (local → duckdb)."""
    if pipeline is not None:
        if name is None:
            name = pipeline.default_target
        named = pipeline.target(name)
        if named is not None:
            return get_dialect(named.type.dialect)
    if name in DIALECTS:
        return get_dialect(name)
    if name is None:
        raise UnknownTarget("no target named, and no pipeline to take its default target from")
    choices = sorted(DIALECTS) + ([t.name for t in pipeline.targets] if pipeline is not None else [])
    hint = did_you_mean(name, choices) or f"Known: {', '.join(choices)}."
    raise UnknownTarget(f"unknown target '{name}'. {hint}")
