"""Loading lake files of several shapes where the warehouse's COPY maps Parquet by position.

A lake file keeps the shape its ingest wrote: a source spec that gained, lost or retyped a column
since leaves older files of another shape. DuckDB and PostgreSQL read files by column name. Redshift
reads Parquet by position, wants the table's column count and types to be the file's ("COPY from
columnar data formats"; a Spectrum scan refuses a DECIMAL of another precision), and takes no
column list for columnar files. So before such a load, each file's schema is read from its footer,
the files are grouped by shape, and the step's one COPY becomes, per group, a COPY into a
transient table of exactly that shape and an insert of its columns into the load table by name
(`staging.copy_by_shape`), each group listed in a manifest of its own. A load whose files all have
the spec's shape runs as compiled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from framework.compile.manifest import SpecInfo, StepInfo
from framework.lake import Lake, LakeFile
from framework.spec import model as m
from framework.sql.kinds import LoadMethod


def lake_columns(spec: SpecInfo) -> tuple[m.Column, ...]:
    """The columns a lake file of the source has under its spec now: the staging table's (the
    spec's, then ingest's) but the load counter, which a load assigns."""
    from framework.spec.bookkeeping import LOAD_SEQ
    from framework.spec.types import parse_type

    return tuple(
        m.Column(c.name, c.type, parse_type(c.type), c.nullable) for c in spec.columns if c.name != LOAD_SEQ.name
    )


def by_shape(
    step: StepInfo,
    spec: SpecInfo,
    files: list[LakeFile],
    schemas: Mapping[str, Any] | None,
    lake: Lake,
    target: str,
    pipeline: str,
    run_id: str,
) -> tuple[StepInfo, dict[str, Any]] | None:
    """The load step with its COPY replaced by one COPY per shape of `files` (`schemas`: each
    file's Arrow schema; None: their footers say they are of the spec's shape), and the groups'
    manifests as parameters; None when the warehouse reads by name, or every file has the spec's
    shape (the common case)."""
    if step.load_method is not LoadMethod.COPY_PARQUET or not files or schemas is None:
        return None
    # sqlglot and pyarrow only here: a run on a warehouse that reads by name never needs them
    from framework.compile.builders.staging import copy_by_shape, load_name_of, shape_manifest_param
    from framework.compile.render import render_statement, statement_info
    from framework.lake.arrow import file_columns, same_shape
    from framework.sql.dialects import get_dialect

    expected = lake_columns(spec)
    groups: dict[tuple[tuple[str, str], ...], tuple[tuple[m.Column, ...], list[LakeFile]]] = {}
    for lake_file in files:
        schema = schemas[lake_file.path]
        shape = expected if same_shape(schema, expected) else file_columns(schema)
        key = tuple((c.name, c.type_text) for c in shape)
        groups.setdefault(key, (shape, []))[1].append(lake_file)
    if len(groups) == 1 and next(iter(groups.values()))[0] is expected:
        return None
    dialect = get_dialect(target)
    names = tuple(c.name for c in expected)
    statements = []
    params: dict[str, Any] = {}
    for index, (shape, group) in enumerate(groups.values()):
        for statement in copy_by_shape(spec.name, names, shape, index, dialect):
            statements.append(statement_info(statement, lambda tree: render_statement(dialect, tree, consume=True)))
        params[shape_manifest_param(index)] = lake.write_copy_manifest(pipeline, spec.name, f"{run_id}.{index}", group)
    load_table = load_name_of(spec.name)
    copy_at = next(i for i, s in enumerate(step.statements) if s.verb == "COPY" and s.table == load_table)
    replaced = (*step.statements[:copy_at], *statements, *step.statements[copy_at + 1 :])
    return dataclasses.replace(step, statements=replaced), params
