"""Which warehouse the dashboard reads: the pipeline's own target configuration.

The dashboard takes no connection settings of its own. It resolves the same `pipeline.yml`
target the pipeline runs against (`framework.settings.resolve_target`), so a DuckDB path,
a Redshift workgroup or a PostgreSQL host is configured once. The environment only picks the
pipeline folder and the target, as `elt run` arguments do:

    ELT_DASHBOARD_PIPELINE   pipeline folder (default pipelines/olist)
    ELT_DASHBOARD_TARGET     target name in pipeline.yml (default: its default_target)
    ELT_DASHBOARD_WAREHOUSE  a DuckDB file instead of the target's (like `elt run --warehouse`)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from framework import errors
from framework.settings import LocalSettings, TargetSettings

DEFAULT_PIPELINE = "pipelines/olist"


class ConfigError(errors.ConfigError):
    """The pipeline or target cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class DashboardConfig:
    """Everything needed to connect and to name tables: hashable, so it can key a cache."""

    pipeline_root: str
    settings: TargetSettings  # the pipeline.yml target, resolved (references to secrets, never secrets)
    schemas: tuple[tuple[str, str], ...]  # layer → schema

    @property
    def pipeline(self) -> str:
        return self.settings.pipeline

    @property
    def target(self) -> str:
        return self.settings.name

    @property
    def kind(self) -> str:
        """duckdb | postgres | redshift: how to connect."""
        return self.settings.type.dialect

    @property
    def dialect(self) -> str:
        """The sqlglot dialect the queries are rendered in."""
        return self.settings.type.dialect

    @property
    def database_path(self) -> str:
        """The DuckDB file (duckdb kind only)."""
        return self.settings.database if isinstance(self.settings, LocalSettings) else ""

    def describe(self) -> str:
        where = _short_path(self.database_path) if self.kind == "duckdb" else self.settings.label
        return f"{self.pipeline} · target {self.target} ({self.kind}: {where})"


def _short_path(path: str) -> str:
    """Relative to the working directory when inside it (warehouse/olist.duckdb), else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def load_config(environ: dict | None = None) -> DashboardConfig:
    """The configuration chosen by the environment (see the module docstring)."""
    from framework.settings import SettingsError, resolve_target

    env = os.environ if environ is None else environ
    root = env.get("ELT_DASHBOARD_PIPELINE") or DEFAULT_PIPELINE
    try:
        settings = resolve_target(root, env.get("ELT_DASHBOARD_TARGET") or None)
    except SettingsError as err:
        raise ConfigError(str(err)) from None
    settings = settings.with_paths(database=env.get("ELT_DASHBOARD_WAREHOUSE") or None)
    return DashboardConfig(root, settings, _schemas(root))


def _schemas(root: str) -> tuple[tuple[str, str], ...]:
    """Layer → schema as pipeline.yml declares them (the framework's defaults otherwise)."""
    from framework.spec.model import DEFAULT_SCHEMAS
    from framework.spec.yaml_io import load_document

    path = os.path.join(root, "pipeline.yml")
    with open(path, "rb") as handle:
        doc, _ = load_document(path, handle.read())
    declared = (doc.value or {}).get("schemas") if doc is not None else None
    merged = dict(DEFAULT_SCHEMAS, **(declared if isinstance(declared, dict) else {}))
    return tuple(sorted(merged.items()))
