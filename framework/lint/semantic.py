"""Rules about one spec's own consistency (E2xx). Each rule yields Diagnostics."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator

from framework.diagnostics import Diagnostic, did_you_mean
from framework.lint.landing import landing_problems, located
from framework.spec import model as m
from framework.spec.bookkeeping import BUILD_SEQ, INGEST_COLUMNS, LOAD_SEQ, RESERVED_PREFIX
from framework.spec.targets import MAX_DUCKDB_MEMORY, MIN_DUCKDB_MEMORY, LocalTarget, fixed_memory_bytes
from framework.spec.types import TypeParseError, parse_type

TEMPORAL = {"date", "timestamp", "timestamptz"}
SCHEDULE_PRESETS = ("@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "none")


_diag = located


def check_spec(spec) -> list[Diagnostic]:
    rules = {
        "pipeline": (_pipeline_file, _schedule, _start_date, _default_target, _memory_limits, _system_schemas),
        "source": (_name_matches_file, _columns, _source_keys, landing_problems),
        "model": (
            _name_matches_file,
            _columns,
            _model_columns_exist,
            _accepted_values,
            _check_names,
            _model_keys,
            _scd2,
            _materialization,
            _redshift_hints,
        ),
    }
    return [d for rule in rules[spec.kind] for d in rule(spec)]


# --- shared -------------------------------------------------------------------------------


def _name_matches_file(spec) -> Iterator[Diagnostic]:
    stem = os.path.splitext(os.path.basename(spec.origin.path))[0]
    if spec.name != stem:
        yield _diag(
            spec,
            ("name",),
            "E204",
            f"{spec.kind} name '{spec.name}' does not match the file name '{stem}'",
            hint=f"Rename the file to {spec.name}.yml or the spec to '{stem}'.",
        )


def _columns(spec) -> Iterator[Diagnostic]:
    # by the name the warehouses keep: DuckDB, PostgreSQL and Redshift fold unquoted names' case
    seen: dict[str, int] = {name.lower(): -1 for name in _framework_columns(spec)}
    names = [c.name for c in spec.columns]
    for i, col in enumerate(spec.columns):
        if col.type is None:
            try:
                parse_type(col.type_text)
            except TypeParseError as err:
                yield _diag(spec, ("columns", i, "type"), "E201", str(err), hint=err.hint)
        if col.name.startswith(RESERVED_PREFIX):
            yield _diag(
                spec,
                ("columns", i, "name"),
                "E414",
                f"column '{col.name}': names starting with '{RESERVED_PREFIX}' are the framework's",
                hint="Rename it"
                + (
                    " (and the landing file's header: a source column is read by it)"
                    if spec.kind is m.SpecKind.SOURCE
                    else ""
                )
                + ".",
            )
        folded = col.name.lower()
        if folded in seen:
            earlier = seen[folded]
            first = (
                f"first declared as columns[{earlier}]"
                + (
                    f" '{names[earlier]}': warehouses do not tell names apart by case"
                    if names[earlier] != col.name
                    else ""
                )
                if earlier >= 0
                else "the framework's: the table has it already"
            )
            yield _diag(spec, ("columns", i, "name"), "E202", f"duplicate column '{col.name}' ({first})")
        seen.setdefault(folded, i)


def _framework_columns(spec) -> tuple[str, ...]:
    """The columns the framework adds to a table: a model's the build that last wrote the row; a
    source's (ingest's and the load's) the batch, file, line and load that brought it."""
    if spec.kind is m.SpecKind.MODEL and spec.materialization is not m.Materialization.VIEW:
        return (BUILD_SEQ.name,)
    if spec.kind is m.SpecKind.SOURCE:
        return (*(c.name for c in INGEST_COLUMNS), LOAD_SEQ.name)
    return ()


def _unknown_columns(spec, names, key_path: tuple, extra: tuple = ()) -> Iterator[Diagnostic]:
    """E203 for every name (a str or a list of str at key_path) that is not a declared column."""
    declared = [c.name for c in spec.columns]
    if isinstance(names, str):
        names, paths = [names], [key_path]
    else:
        paths = [key_path + (i,) for i in range(len(names))]
    for name, path in zip(names, paths):
        if name not in declared and name not in extra:
            yield _diag(spec, path, "E203", f"unknown column '{name}'", hint=did_you_mean(name, declared + list(extra)))


# --- sources ------------------------------------------------------------------------------


def _source_keys(spec: m.SourceSpec) -> Iterator[Diagnostic]:
    yield from _unknown_columns(spec, spec.primary_key, ("primary_key",))
    if spec.deduplicate:
        yield from _unknown_columns(
            spec, spec.deduplicate.order_by, ("deduplicate", "order_by"), extra=m.INGEST_METADATA_COLUMNS
        )
    if not spec.primary_key:
        if spec.load_mode is m.LoadMode.UPSERT:
            yield _diag(spec, ("load_mode",), "E210", "load_mode 'upsert' needs a primary_key to match rows on")
        if spec.deduplicate:
            yield _diag(spec, ("deduplicate",), "E210", "deduplicate needs a primary_key to group rows by", key=True)
    for i, name in enumerate(spec.primary_key):
        col = spec.column(name)
        if col is not None and col.nullable:
            yield _diag(
                spec,
                ("primary_key", i),
                "E210",
                f"primary key column '{name}' is nullable",
                hint=f"Declare '{name}' with nullable: false.",
            )


# --- models -------------------------------------------------------------------------------


def _model_keys(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    if spec.materialization is m.Materialization.VIEW:
        return  # a view stores no rows to match
    for i, name in enumerate(spec.keys.business):
        col = spec.column(name)
        if col is not None and col.nullable:
            yield _diag(
                spec,
                ("keys", "business", i),
                "E216",
                f"business key column '{name}' is nullable: a row whose key is NULL matches no row by key, so "
                "each build would keep it again",
                hint=f"Declare '{name}' with nullable: false (COALESCE it in the SELECT if it can be NULL).",
            )


def _model_columns_exist(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    yield from _unknown_columns(spec, spec.keys.business, ("keys", "business"))
    if spec.keys.surrogate:
        yield from _unknown_columns(spec, spec.keys.surrogate, ("keys", "surrogate"))
    if isinstance(spec.history, m.Scd2):
        yield from _unknown_columns(spec, spec.history.tracked, ("history", "tracked"))
        yield from _unknown_columns(spec, spec.history.version_start, ("history", "version_start"))
    if spec.incremental and spec.incremental.time_column:
        yield from _unknown_columns(spec, spec.incremental.time_column, ("incremental", "time_column"))
    if spec.redshift.distkey:
        yield from _unknown_columns(spec, spec.redshift.distkey, ("redshift", "distkey"))
    yield from _unknown_columns(spec, spec.redshift.sortkey, ("redshift", "sortkey"))
    for check in spec.checks:
        if check.key_path[0] != "checks" or not check.columns:
            continue  # column tests sit on a declared column
        field = "columns" if check.type in (m.CheckType.UNIQUE, m.CheckType.NOT_NULL) else "column"
        path = check.key_path + (field,)
        yield from _unknown_columns(spec, list(check.columns) if field == "columns" else check.columns[0], path)


def _accepted_values(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    """Each accepted value is one the column's type holds: another kind fails the check's query
    on the warehouse (`id IN (1, 'two')`: a conversion error, not a finding)."""
    for check in spec.checks:
        column = spec.column(check.column) if check.type is m.CheckType.ACCEPTED_VALUES else None
        if column is None or column.type is None:
            continue
        for j, value in enumerate(check.values):
            expected = _not_of_type(value, column.type.name)
            if expected:
                yield _diag(
                    spec,
                    (*check.key_path, "values", j),
                    "E306",
                    f"accepted value {value!r} is not {expected}: column '{column.name}' is {column.type}",
                    hint="Quote it for a string column; write a number, true/false or YYYY-MM-DD for the others.",
                )


def _check_names(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    """A check's name is how its result is reported and recorded: two of one name could not be told apart."""
    first: dict[str, tuple] = {}
    for check in spec.checks:
        if not check.name:
            continue
        if check.name in first:
            line, _ = spec.origin.locate((*first[check.name], "name"))
            yield _diag(
                spec,
                (*check.key_path, "name"),
                "E105",
                f"check name '{check.name}' is already used by the check at line {line}",
                hint="Give each check of a model its own name.",
            )
        else:
            first[check.name] = check.key_path


def _not_of_type(value: object, type_name: str) -> str:
    """What `value` (as YAML read it) should have been for a column of this type ('' when it is one)."""
    import datetime
    import re

    text = value if isinstance(value, str) else None
    if type_name == "string":
        return "" if text is not None else "a string"
    if type_name in ("integer", "bigint"):
        ok = (isinstance(value, int) and not isinstance(value, bool)) or bool(text and re.fullmatch(r"[+-]?\d+", text))
        return "" if ok else "an integer"
    if type_name in ("decimal", "double"):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = number or bool(text and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text))
        return "" if ok else "a number"
    if type_name == "boolean":
        return "" if isinstance(value, bool) else "true or false"
    if type_name == "date":
        ok = isinstance(value, datetime.date) or bool(text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
        return "" if ok else "a date (YYYY-MM-DD)"
    return "" if isinstance(value, (str, datetime.datetime)) else "a timestamp"


def _scd2(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    history = spec.history
    if not isinstance(history, m.Scd2):
        return
    if not spec.keys.business:
        yield _diag(
            spec,
            ("history", "type"),
            "E206",
            "SCD2 history needs a business key to group versions",
            hint="Add keys.business.",
        )
    for i, name in enumerate(history.tracked):
        if name in spec.keys.business:
            yield _diag(
                spec, ("history", "tracked", i), "E207", f"'{name}' is part of the business key and cannot be tracked"
            )
    expected = {
        "valid_from": {"timestamp", "timestamptz"},
        "valid_to": {"timestamp", "timestamptz"},
        "is_current": {"boolean"},
    }
    for name, types in expected.items():
        col = spec.column(name)
        if col is None:
            yield _diag(
                spec,
                ("history", "type"),
                "E208",
                f"SCD2 model must declare the column '{name}' ({' or '.join(sorted(types))}); the framework fills it",
                hint="Add it to columns.",
            )
        elif col.type is not None and col.type.name not in types:
            yield _diag(
                spec, col.key_path + ("type",), "E208", f"'{name}' must be {' or '.join(sorted(types))}, not {col.type}"
            )
    start = spec.column(history.version_start)
    if start is not None and start.type is not None and start.type.name not in TEMPORAL:
        yield _diag(
            spec,
            ("history", "version_start"),
            "E208",
            f"version_start column '{start.name}' must be a date, timestamp or timestamptz, not {start.type}",
            hint="A timestamptz is compared as an instant: every target's session runs in UTC.",
        )


def _materialization(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    incremental = spec.materialization is m.Materialization.INCREMENTAL
    if incremental and spec.incremental is None:
        yield _diag(
            spec,
            ("materialization",),
            "E211",
            "an incremental model needs 'incremental: {strategy: ...}'",
            hint="Strategies: merge, delete_insert, time_range.",
        )
    if spec.incremental is not None and not incremental:
        yield _diag(
            spec,
            ("incremental",),
            "E211",
            f"'incremental' settings on a model materialized as '{spec.materialization.value}'",
            hint="Set materialization: incremental or remove them.",
            key=True,
        )
    if spec.incremental and spec.incremental.strategy is m.IncrementalStrategy.TIME_RANGE:
        column = spec.column(spec.incremental.time_column or "")
        if not spec.incremental.time_column:
            yield _diag(spec, ("incremental", "strategy"), "E211", "strategy time_range needs a time_column")
        elif column is not None and column.type is not None and column.type.name not in TEMPORAL:
            yield _diag(
                spec,
                ("incremental", "time_column"),
                "E211",
                f"time_column '{column.name}' must be a date or timestamp, not {column.type}",
            )
    if (
        spec.incremental
        and spec.incremental.strategy is not m.IncrementalStrategy.TIME_RANGE
        and not spec.keys.business
    ):
        yield _diag(
            spec,
            ("incremental", "strategy"),
            "E211",
            f"strategy {spec.incremental.strategy.value} needs keys.business to match rows on",
        )
    if spec.history is not None and spec.materialization is m.Materialization.VIEW:
        yield _diag(spec, ("materialization",), "E211", "a view cannot keep history; use table or incremental")
    if isinstance(spec.history, m.Scd2) and spec.materialization is m.Materialization.TABLE:
        yield _diag(
            spec,
            ("materialization",),
            "E211",
            "SCD2 history is kept across runs; use materialization: incremental",
            hint="A 'table' is rebuilt from scratch each run and would lose closed versions.",
        )


def _redshift_hints(spec: m.ModelSpec) -> Iterator[Diagnostic]:
    hints = spec.redshift
    if hints.diststyle == "key" and not hints.distkey:
        yield _diag(spec, ("redshift", "diststyle"), "E214", "diststyle 'key' needs a distkey")
    if hints.distkey and hints.diststyle not in (None, "key"):
        yield _diag(
            spec, ("redshift", "distkey"), "E214", f"a distkey needs diststyle 'key' (found '{hints.diststyle}')"
        )


# --- pipeline -----------------------------------------------------------------------------


def _pipeline_file(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    if os.path.basename(spec.origin.path) != "pipeline.yml":
        yield _diag(spec, ("kind",), "E204", "a pipeline spec must live in a file named pipeline.yml")


def _schedule(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    schedule = spec.schedule.strip()
    if schedule.startswith("@") or schedule == "none":
        if schedule not in SCHEDULE_PRESETS:
            yield _diag(
                spec,
                ("schedule",),
                "E212",
                f"unknown schedule preset '{schedule}'",
                hint=did_you_mean(schedule, SCHEDULE_PRESETS) or f"Presets: {', '.join(SCHEDULE_PRESETS)}.",
            )
        return
    problem = cron_problem(schedule)
    if problem:
        yield _diag(spec, ("schedule",), "E212", f"invalid cron schedule '{schedule}': {problem}")


_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_CRON_ITEM = re.compile(r"(\*|\w+(?:-\w+)?)(?:/(\d+))?\Z")


def cron_problem(expression: str) -> str:
    """'' for a valid five-field cron expression, else what is wrong with it."""
    fields = expression.split()
    if len(fields) != 5:
        return f"expected 5 fields (minute hour day month weekday), found {len(fields)}"
    for text, (label, low, high, names) in zip(fields, _CRON_FIELDS):
        for item in text.split(","):
            match = _CRON_ITEM.match(item)
            if not match or match.group(2) == "0":
                return f"{label} field '{text}' is not a number, range, list or step"
            if match.group(1) == "*":
                continue
            for part in match.group(1).split("-"):
                value = (
                    names.index(part.lower()) + (1 if label == "month" else 0)
                    if part.lower() in names
                    else (int(part) if part.isdigit() else None)
                )
                if value is None or not low <= value <= high:
                    return f"{label} value '{part}' is outside {low}-{high}"
    return ""


def _start_date(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    try:
        datetime.date.fromisoformat(spec.start_date)
    except ValueError:
        yield _diag(spec, ("start_date",), "E212", f"start_date '{spec.start_date}' is not a real calendar date")


# the warehouses' own schemas: DuckDB's catalogs and system schemas; PostgreSQL and Redshift
# reserve every name starting pg_ ("The prefix pg_ is reserved for system schemas")
_SYSTEM_SCHEMAS = ("information_schema", "temp", "system")


def _system_schemas(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    for layer, schema in spec.schemas:
        if schema.lower() in _SYSTEM_SCHEMAS or schema.lower().startswith("pg_"):
            yield _diag(
                spec,
                ("schemas", layer),
                "E212",
                f"schema '{schema}' of layer '{layer}' is a warehouse's own (a system schema): its tables cannot "
                "be made there",
                hint=f"Name a schema of the pipeline's, e.g. '{layer}'.",
            )


def _default_target(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    names = [t.name for t in spec.targets]
    if spec.default_target not in names:
        yield _diag(
            spec,
            ("default_target",),
            "E212",
            f"default_target '{spec.default_target}' is not among the targets",
            hint=did_you_mean(spec.default_target, names) or f"Targets: {', '.join(names)}.",
        )


def pipeline_named_before(spec: m.PipelineSpec, other: str) -> Diagnostic:
    return _diag(
        spec,
        ("name",),
        "E213",
        f"pipeline name '{spec.name}' is also the name of {other}: one would replace the other's DAG "
        "(the name is its dag_id), and a warehouse tells pipelines apart by name",
        hint="Give each pipeline its own name.",
    )


def _memory_limits(spec: m.PipelineSpec) -> Iterator[Diagnostic]:
    """A DuckDB memory limit too small to read one file fails every ingest and run, with DuckDB's
    out-of-memory text; lint says so where it is written."""
    for target in spec.targets:
        if not isinstance(target, LocalTarget) or target.memory_limit is None:
            continue
        size = fixed_memory_bytes(str(target.memory_limit))
        if size is not None and size > MAX_DUCKDB_MEMORY:
            yield _diag(
                spec,
                ("targets", target.name, "memory_limit"),
                "E212",
                f"memory_limit '{target.memory_limit}' of target '{target.name}' is more than DuckDB can take "
                f"(at most {MAX_DUCKDB_MEMORY // 2**50:,} PiB)",
                hint="It bounds DuckDB's buffer pool: 1GB suits most machines, or a share of RAM such as 50%.",
            )
        if size is not None and size < MIN_DUCKDB_MEMORY:
            yield _diag(
                spec,
                ("targets", target.name, "memory_limit"),
                "E212",
                f"memory_limit '{target.memory_limit}' of target '{target.name}' is below the "
                f"{MIN_DUCKDB_MEMORY // 2**20}MiB DuckDB needs to read a file",
                hint="It bounds DuckDB's buffer pool, which spills to disk past it: 1GB suits most machines; leave it out for 1.5GB.",
            )
