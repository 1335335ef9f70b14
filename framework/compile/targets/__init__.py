"""The explicit registry of warehouse targets."""

from __future__ import annotations

from framework import errors
from framework.compile.targets.base import Target
from framework.compile.targets.duckdb import DuckDBTarget
from framework.compile.targets.postgres import PostgresTarget
from framework.compile.targets.redshift import RedshiftTarget

TARGETS: dict[str, type[Target]] = {"duckdb": DuckDBTarget, "redshift": RedshiftTarget, "postgres": PostgresTarget}


class UnknownTarget(errors.ConfigError):
    """A target name that is neither a warehouse nor a target of pipeline.yml."""


def get_target(name: str) -> Target:
    try:
        return TARGETS[name]()
    except KeyError:
        from framework.diagnostics import did_you_mean

        hint = did_you_mean(name, TARGETS) or f"Known targets: {', '.join(sorted(TARGETS))}."
        raise UnknownTarget(f"unknown target '{name}'. {hint}") from None


def resolve_target(name: str | None, pipeline=None) -> Target:
    """A warehouse name (duckdb, redshift), or the name of a target in pipeline.yml (local → duckdb)."""
    if name is None and pipeline is not None:
        name = pipeline.default_target
    if pipeline is not None:
        named = pipeline.target(name)
        if named is not None:
            return get_target(named.type.dialect)
    if name in TARGETS:
        return get_target(name)
    from framework.diagnostics import did_you_mean

    choices = sorted(TARGETS) + ([t.name for t in pipeline.targets] if pipeline is not None else [])
    hint = did_you_mean(name, choices) or f"Known: {', '.join(choices)}."
    raise UnknownTarget(f"unknown target '{name}'. {hint}")
