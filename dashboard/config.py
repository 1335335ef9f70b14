"""Which warehouse the dashboard reads: the pipeline's own target configuration.

The dashboard takes no connection settings of its own. It reads the same `pipeline.yml`
target the pipeline runs against (`framework.cli.run_cmd.pipeline_target`), so a DuckDB path,
a Redshift workgroup or a PostgreSQL host is configured once. The environment only picks the
pipeline folder and the target, as `elt run` arguments do:

    ELT_DASHBOARD_PIPELINE   pipeline folder (default pipelines/olist)
    ELT_DASHBOARD_TARGET     target name in pipeline.yml (default: its default_target)
    ELT_DASHBOARD_WAREHOUSE  a DuckDB file instead of the target's (like `elt run --warehouse`)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_PIPELINE = "pipelines/olist"
DEFAULT_SCHEMAS = {"staging": "staging", "dimension": "dwh", "fact": "dwh", "mart": "mart", "internal": "elt"}

# pipeline.yml target type → (connection kind, sqlglot dialect)
TARGET_KINDS = {
    "local": ("duckdb", "duckdb"),
    "duckdb": ("duckdb", "duckdb"),
    "postgres": ("postgres", "postgres"),
    "redshift": ("redshift", "redshift"),
}


class ConfigError(Exception):
    """The pipeline or target cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class DashboardConfig:
    """Everything needed to connect and to name tables: hashable, so it can key a cache."""

    pipeline_root: str
    pipeline: str
    target: str
    kind: str  # duckdb | postgres | redshift
    dialect: str  # sqlglot dialect the queries are rendered in
    schemas: tuple[tuple[str, str], ...]  # layer → schema
    settings: tuple[tuple[str, str], ...]  # the target's settings from pipeline.yml (references, no secrets)

    def setting(self, name: str, default: str | None = None) -> str | None:
        return dict(self.settings).get(name, default)

    @property
    def database_path(self) -> str:
        """The DuckDB file (duckdb kind only)."""
        return self.setting("database") or ""

    def describe(self) -> str:
        where = (
            _short_path(self.database_path)
            if self.kind == "duckdb"
            else (self.setting("workgroup") or self.setting("host") or "?")
            + "/"
            + (self.setting("database") or self.setting("dbname") or "?")
        )
        return f"{self.pipeline} · target {self.target} ({self.kind}: {where})"


def _short_path(path: str) -> str:
    """Relative to the working directory when inside it (warehouse/olist.duckdb), else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def load_config(environ: dict | None = None) -> DashboardConfig:
    """The configuration chosen by the environment (see the module docstring)."""
    env = os.environ if environ is None else environ
    root = env.get("ELT_DASHBOARD_PIPELINE") or DEFAULT_PIPELINE
    target = _pipeline_target(root, env.get("ELT_DASHBOARD_TARGET") or None)
    settings = {k: str(v) for k, v in vars(target).items() if k not in ("name", "pipeline") and v is not None}
    kind, dialect = TARGET_KINDS.get(settings.get("type", ""), (None, None))
    if kind is None:
        raise ConfigError(
            f"target '{target.name}' has type '{settings.get('type')}', which the dashboard "
            f"cannot read; known types: {', '.join(sorted(TARGET_KINDS))}"
        )
    if kind == "duckdb":
        settings["database"] = os.path.abspath(env.get("ELT_DASHBOARD_WAREHOUSE") or settings["database"])
    return DashboardConfig(
        root, target.pipeline, target.name, kind, dialect, _schemas(root), tuple(sorted(settings.items()))
    )


def _pipeline_target(root: str, name: str | None):
    """The framework's own reading of pipeline.yml, its exit turned into an exception."""
    import contextlib
    import io

    from framework.cli.run_cmd import pipeline_target

    messages = io.StringIO()
    try:
        with contextlib.redirect_stderr(messages), contextlib.redirect_stdout(messages):
            return pipeline_target(root, name)
    except SystemExit:
        text = " ".join(messages.getvalue().split()) or f"cannot read {root}/pipeline.yml"
        raise ConfigError(text.removeprefix("elt: ")) from None


def _schemas(root: str) -> tuple[tuple[str, str], ...]:
    """Layer → schema as pipeline.yml declares them (the framework's defaults otherwise)."""
    from framework.spec.yaml_io import load_document

    path = os.path.join(root, "pipeline.yml")
    with open(path, "rb") as handle:
        doc, _ = load_document(path, handle.read())
    declared = (doc.value or {}).get("schemas") if doc is not None else None
    merged = dict(DEFAULT_SCHEMAS, **(declared if isinstance(declared, dict) else {}))
    return tuple(sorted(merged.items()))
