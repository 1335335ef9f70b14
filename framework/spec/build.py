"""Validated Document → frozen spec objects. The last place a raw dict exists."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.spec.targets import declared_target
from framework.spec.types import TypeParseError, parse_type
from framework.spec.yaml_io import Document


def build_spec(doc: Document, kind: str) -> tuple[m.AnySpec, list[Diagnostic]]:
    builders: dict[str, Callable[[Document, list[Diagnostic]], m.AnySpec]] = {
        "pipeline": _pipeline,
        "source": _source,
        "model": _model,
    }
    builder = builders[kind]
    found: list[Diagnostic] = []
    return builder(doc, found), found


def _columns(raw: list[dict], found: list[Diagnostic], base: tuple) -> tuple[m.Column, ...]:
    columns = []
    for i, col in enumerate(raw):
        try:
            ptype = parse_type(col["type"])
        except TypeParseError:
            ptype = None  # reported by the lint rule E201 with its hint
        columns.append(
            m.Column(
                col["name"],
                col["type"],
                ptype,
                col.get("nullable", True),
                col.get("description", ""),
                base + (i,),
                col.get("format"),
            )
        )
    return tuple(columns)


def _pipeline(doc: Document, found: list[Diagnostic]) -> m.PipelineSpec:
    v = doc.value
    targets = [declared_target(name, raw) for name, raw in v["targets"].items()]
    schemas = dict(m.DEFAULT_SCHEMAS, **v.get("schemas", {}))
    return m.PipelineSpec(
        name=v["name"],
        origin=m.Origin(doc.path, doc),
        owner=v["owner"],
        schedule=v["schedule"],
        start_date=v["start_date"],
        default_target=v["default_target"],
        targets=tuple(targets),
        description=v.get("description", ""),
        tags=tuple(v.get("tags", ())),
        catchup=v.get("catchup", False),
        schemas=tuple(schemas.items()),
    )


def _inside(folder: str, path: str) -> bool:
    """`path` (symbolic links resolved) is `folder` or below it."""
    root, target = os.path.realpath(folder or "."), os.path.realpath(path)
    return os.path.commonpath([root, target]) == root


def _landing_path_problem(doc: Document, pattern: str) -> Diagnostic | None:
    """A landing pattern is relative to the landing folder and stays in it: no absolute path, no '..'."""
    parts = pattern.replace("\\", "/").split("/")
    if not (os.path.isabs(pattern) or pattern.startswith("~") or ".." in parts):
        return None
    where = doc.where(("landing", "path"))
    return Diagnostic(
        doc.path,
        where.line,
        where.col,
        "E215",
        f"landing path '{pattern}' leaves the landing folder",
        key_path="landing.path",
        hint="A landing path is a pattern relative to the landing folder, e.g. 'orders/*.csv'.",
    )


def _source(doc: Document, found: list[Diagnostic]) -> m.SourceSpec:
    v = doc.value
    landing = v["landing"]
    problem = _landing_path_problem(doc, landing["path"])
    if problem is not None:
        found.append(problem)
    csv = landing.get("csv", {})
    options: dict[str, Any] = {k: tuple(val) if isinstance(val, list) else val for k, val in csv.items()}
    csv_options = m.CsvOptions(**options)
    dedupe = v.get("deduplicate")
    fresh = v.get("freshness")
    return m.SourceSpec(
        name=v["name"],
        origin=m.Origin(doc.path, doc),
        landing=m.Landing(landing["path"], m.FileFormat(landing["format"]), csv_options),
        columns=_columns(v["columns"], found, ("columns",)),
        primary_key=tuple(v.get("primary_key", ())),
        load_mode=m.LoadMode(v["load_mode"]),
        description=v.get("description", ""),
        deduplicate=m.Deduplicate(tuple(dedupe["order_by"]), dedupe.get("keep", "last")) if dedupe else None,
        schema_drift=m.SchemaDrift(v.get("schema_drift", "fail")),
        max_reject_fraction=float(v.get("max_reject_fraction", 0.01)),
        allow_empty_snapshot=bool(v.get("allow_empty_snapshot", False)),
        on_conflict=m.OnConflict(v.get("on_conflict", "keep_last")),
        freshness=m.Freshness(fresh.get("warn_after"), fresh.get("error_after")) if fresh else None,
    )


def _model(doc: Document, found: list[Diagnostic]) -> m.ModelSpec:
    v = doc.value
    history = v.get("history")
    history_spec: m.Scd1 | m.Scd2 | None
    if history and history["type"] == "scd2":
        history_spec = m.Scd2(
            tuple(history["tracked"]), history["version_start"], m.HardDeletes(history.get("hard_deletes", "ignore"))
        )
    elif history:
        history_spec = m.Scd1()
    else:
        history_spec = None
    keys = v.get("keys", {})
    incremental = v.get("incremental")
    hints = v.get("redshift", {})
    return m.ModelSpec(
        name=v["name"],
        origin=m.Origin(doc.path, doc),
        layer=m.Layer(v["layer"]),
        columns=_columns(v["columns"], found, ("columns",)),
        sql=_sql_text(doc, found),
        description=v.get("description", ""),
        owner=v.get("owner", ""),
        tags=tuple(v.get("tags", ())),
        materialization=m.Materialization(v.get("materialization", "table")),
        incremental=m.Incremental(
            m.IncrementalStrategy(incremental["strategy"]),
            incremental.get("time_column"),
            tuple((str(k), str(c)) for k, c in (incremental.get("keys_from") or {}).items()),
        )
        if incremental
        else None,
        depends_on=tuple(v.get("depends_on", ())),
        keys=m.Keys(tuple(keys.get("business", ())), keys.get("surrogate")),
        history=history_spec,
        redshift=m.RedshiftHints(
            hints.get("diststyle"),
            hints.get("distkey"),
            tuple(hints.get("sortkey", ())),
            hints.get("sortkey_style", "compound"),
        ),
        checks=_checks(v),
    )


def _checks(v: dict) -> tuple[m.Check, ...]:
    checks = []
    for i, raw in enumerate(v.get("checks", ())):
        kind = m.CheckType(raw["type"])
        columns = tuple(raw.get("columns", ())) or ((raw["column"],) if "column" in raw else ())
        checks.append(_check(kind, raw, ("checks", i), columns))
    for ci, col in enumerate(v["columns"]):
        for ti, raw in enumerate(col.get("tests", ())):
            raw = {"type": raw} if isinstance(raw, str) else raw
            checks.append(_check(m.CheckType(raw["type"]), raw, ("columns", ci, "tests", ti), (col["name"],)))
    return tuple(checks)


def _check(kind: m.CheckType, raw: dict, key_path: tuple, columns: tuple) -> m.Check:
    to_spec, _, to_column = raw.get("to", "").partition(".")
    return m.Check(
        type=kind,
        severity=m.CheckSeverity(raw.get("severity", "error")),
        key_path=key_path,
        columns=columns,
        to_spec=to_spec,
        to_column=to_column,
        values=tuple(raw.get("values", ())),
        min_rows=raw.get("min", 0),
        name=raw.get("name", ""),
        condition=raw.get("condition", ""),
    )


def _sql_text(doc: Document, found: list[Diagnostic]) -> m.SqlText | None:
    v = doc.value
    if "sql" in v and "sql_file" in v:
        line, col = doc.where(("sql_file",), key=True).line, doc.where(("sql_file",), key=True).col
        found.append(
            Diagnostic(
                doc.path, line, col, "E209", "give the SELECT either inline ('sql') or in a file ('sql_file'), not both"
            )
        )
        return None
    if "sql_file" in v:
        folder = os.path.dirname(doc.path)
        sql_path = os.path.join(folder, v["sql_file"])
        if not _inside(folder, sql_path):  # checked before anything is opened
            where = doc.where(("sql_file",))
            found.append(
                Diagnostic(
                    doc.path,
                    where.line,
                    where.col,
                    "E215",
                    f"sql_file '{v['sql_file']}' is outside this spec's folder",
                    key_path="sql_file",
                    hint="Keep the SQL file beside the spec or below its folder.",
                )
            )
            return None
        try:
            with open(sql_path, "rb") as handle:
                text = handle.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            where = doc.where(("sql_file",))
            reason = "file not found" if isinstance(err, FileNotFoundError) else f"cannot read it: {err}"
            found.append(
                Diagnostic(
                    doc.path,
                    where.line,
                    where.col,
                    "E209",
                    f"sql_file '{v['sql_file']}': {reason}",
                    key_path="sql_file",
                    hint="The path is relative to this spec's folder.",
                )
            )
            return None
        return m.SqlText(text, sql_path, 1, 1, block=True)
    if "sql" in v:
        info = doc.where(("sql",))
        if info.style in ("|", ">"):
            first_line = info.line + 1
            lines = doc.text.splitlines()
            content = next((ln for ln in lines[first_line - 1 :] if ln.strip()), "")
            indent = len(content) - len(content.lstrip(" "))
            if info.style == ">":
                return m.SqlText.folded(v["sql"], doc.path, doc.text, first_line, indent + 1)
            return m.SqlText(v["sql"], doc.path, first_line, indent + 1, block=True)
        if not info.style:  # plain: folded like `>`
            return m.SqlText.folded(v["sql"], doc.path, doc.text, info.line, info.col)
        if info.style in ('"', "'"):  # quoted: folded too, after the quote (round 55)
            return m.SqlText.folded(v["sql"], doc.path, doc.text, info.line, info.col + 1)
        offset = 0
        return m.SqlText(v["sql"], doc.path, info.line, info.col + offset, block=False)
    where = doc.where((), key=True)
    found.append(
        Diagnostic(doc.path, where.line, where.col, "E209", "a model needs its SELECT: add 'sql' or 'sql_file'")
    )
    return None
