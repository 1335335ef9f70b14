"""Rules across specs (E205, E303-E305, W501, W502, W505); the graph rules live in framework.graph."""

from __future__ import annotations

from collections.abc import Iterator

from framework.diagnostics import Diagnostic, did_you_mean
from framework.lint.semantic import _diag
from framework.spec import model as m


def check_project(project: m.Project) -> list[Diagnostic]:
    return [
        *_duplicate_names(project),
        *_relationships(project),
        *_declared_key_paths(project),
        *_unused_sources(project),
        *_models_without_checks(project),
        *_options_without_effect(project),
    ]


def _duplicate_names(project: m.Project) -> Iterator[Diagnostic]:
    """Each spec's table is its own: no two specs share a name (names are lower case), and none
    is a framework table where a layer shares the internal schema."""
    first: dict[str, m.SourceSpec | m.ModelSpec] = {}
    pipeline = project.pipeline
    schemas = dict(pipeline.schemas) if pipeline else dict(m.DEFAULT_SCHEMAS)
    for spec in sorted(project.specs, key=lambda s: s.origin.path):
        if spec.name in first:
            other = first[spec.name]
            yield _diag(spec, ("name",), "E205", f"spec name '{spec.name}' is already used by {other.origin.path}")
        first.setdefault(spec.name, spec)
        layer = "staging" if isinstance(spec, m.SourceSpec) else spec.layer.value
        schema = schemas.get(layer)
        if spec.name in m.FRAMEWORK_TABLES and schema == schemas.get("internal"):
            yield _diag(
                spec,
                ("name",),
                "E205",
                f"spec name '{spec.name}': its table {schema}.{spec.name} is the framework's own (layer '{layer}' "
                f"shares the internal schema '{schema}')",
                hint="Rename the spec, or give the layer a schema of its own in pipeline.yml's schemas.",
            )


def _relationships(project: m.Project) -> Iterator[Diagnostic]:
    for spec in project.models:
        for check in spec.checks:
            if check.type is not m.CheckType.RELATIONSHIPS:
                continue
            to_path = check.key_path + ("to",)
            target = project.spec(check.to_spec)
            if target is None and check.to_spec in project.unbuilt:
                continue
            if target is None:
                yield _diag(
                    spec,
                    to_path,
                    "E303",
                    f"relationship target '{check.to_spec}' is not a spec of this pipeline",
                    hint=did_you_mean(check.to_spec, [s.name for s in project.specs]),
                )
                continue
            target_column = target.column(check.to_column)
            if target_column is None:
                yield _diag(
                    spec,
                    to_path,
                    "E303",
                    f"'{check.to_spec}' has no column '{check.to_column}'",
                    hint=did_you_mean(check.to_column, [c.name for c in target.columns]),
                )
                continue
            column = spec.column(check.column)
            if column and column.type and target_column.type and not column.type.compatible_with(target_column.type):
                yield _diag(
                    spec,
                    to_path,
                    "E304",
                    f"'{check.column}' is {column.type} but "
                    f"'{check.to_spec}.{check.to_column}' is {target_column.type}",
                )


def _declared_key_paths(project: m.Project) -> Iterator[Diagnostic]:
    """incremental.keys_from: each entry an input of the model, naming a column of it."""
    for spec in project.models:
        for name, column in spec.incremental.keys_from if spec.incremental else ():
            where = ("incremental", "keys_from", name)
            if name not in spec.depends_on:
                yield _diag(
                    spec,
                    where,
                    "E305",
                    f"keys_from names '{name}', which is not in depends_on",
                    hint=did_you_mean(name, list(spec.depends_on)),
                    key=True,
                )
                continue
            source = project.spec(name)
            if source is not None and source.column(column) is None and column not in m.INGEST_METADATA_COLUMNS:
                yield _diag(
                    spec,
                    where,
                    "E305",
                    f"'{name}' has no column '{column}'",
                    hint=did_you_mean(column, [c.name for c in source.columns]),
                )


def _unused_sources(project: m.Project) -> Iterator[Diagnostic]:
    if project.unbuilt:
        return  # a model that failed to load may be the one that uses a source
    used = {dep for model in project.models for dep in model.depends_on}
    for source in project.sources:
        if source.name not in used:
            yield _diag(
                source,
                ("name",),
                "W501",
                f"source '{source.name}' is not used by any model",
                hint="Add it to a model's depends_on, or delete the spec.",
            )


def _models_without_checks(project: m.Project) -> Iterator[Diagnostic]:
    for spec in project.models:
        if not spec.checks and spec.layer is not m.Layer.STAGING:
            yield _diag(
                spec,
                ("name",),
                "W502",
                f"{spec.layer.value} model '{spec.name}' declares no checks",
                hint="Add column tests (unique, not_null) or model checks.",
            )


def _options_without_effect(project: m.Project) -> Iterator[Diagnostic]:
    """Options the spec's other choices make moot: accepted, they would do nothing, silently."""
    for spec in project.models:
        incremental = spec.incremental
        if incremental and incremental.keys_from and incremental.strategy is m.IncrementalStrategy.TIME_RANGE:
            yield _diag(
                spec,
                ("incremental", "keys_from"),
                "W505",
                "keys_from has no effect on a time_range model: its builds replace time ranges, not keys",
                hint="Remove it (or use the merge or delete_insert strategy, whose builds it scopes).",
                key=True,
            )
    for source in project.sources:
        if source.landing.format is m.FileFormat.PARQUET and source.landing.csv != m.CsvOptions():
            yield _diag(
                source,
                ("landing", "csv"),
                "W505",
                "landing.csv has no effect on a parquet source: a Parquet file carries its own types, nulls "
                "and encoding (UTF-8)",
                hint="Remove it, or set landing.format: csv if the files are CSV.",
                key=True,
            )
        if source.allow_empty_snapshot and source.load_mode is not m.LoadMode.FULL_REFRESH:
            yield _diag(
                source,
                ("allow_empty_snapshot",),
                "W505",
                f"allow_empty_snapshot has no effect on an {source.load_mode.value} source: only a snapshot "
                "(load_mode: full_refresh) is replaced by a batch, empty or not",
                hint="Remove it, or set load_mode: full_refresh.",
                key=True,
            )
