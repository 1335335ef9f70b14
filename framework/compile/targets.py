"""A compile target: a warehouse name, or a target of pipeline.yml, resolved to its SQL dialect."""

from __future__ import annotations

from framework.diagnostics import did_you_mean
from framework.sql.dialects import DIALECTS, Dialect, get_dialect


class UnknownTarget(ValueError):
    pass


def resolve_target(name: str | None, pipeline=None) -> Dialect:
    """A warehouse name (duckdb, redshift), or the name of a target in pipeline.yml (local → duckdb)."""
    if name is None and pipeline is not None:
        name = pipeline.default_target
    if pipeline is not None:
        named = pipeline.target(name)
        if named is not None:
            return get_dialect(named.type.dialect)
    if name in DIALECTS:
        return get_dialect(name)
    choices = sorted(DIALECTS) + ([t.name for t in pipeline.targets] if pipeline is not None else [])
    hint = did_you_mean(name, choices) or f"Known: {', '.join(choices)}."
    raise UnknownTarget(f"unknown target '{name}'. {hint}")
