"""Every diagnostic code the linter can emit. Codes are stable: never reuse or renumber.

E0xx reading the file, E1xx the schema, E2xx one spec's own consistency,
E3xx references between specs, E4xx model SQL, W5xx warnings (exit code stays 0).
`elt lint --list-rules` prints this table and docs/lint-rules.md is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    explanation: str

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"


RULES: tuple[Rule, ...] = (
    Rule("E001", "YAML syntax error", "The file is not well-formed YAML; the position is where the parser stopped."),
    Rule(
        "E002",
        "duplicate key",
        "A mapping defines the same key twice. YAML would silently keep the last one; we refuse.",
    ),
    Rule(
        "E003",
        "unreadable file",
        "The file is not valid UTF-8 or cannot be read, or a value holds a NUL character (`\\0`), which no path, "
        "name or SQL text takes.",
    ),
    Rule("E004", "empty file", "The file holds no YAML document (only comments or whitespace)."),
    Rule(
        "E005",
        "YAML tag, anchor or alias",
        "Specs are plain data: no `!tags`, `&anchors`, `*aliases` or `<<` merge keys.",
    ),
    Rule(
        "E101", "unknown field", "A key the spec format does not define (often a typo; a hint names the closest field)."
    ),
    Rule("E102", "missing required field", "A field the spec format requires is absent."),
    Rule("E103", "wrong value type", "The value has the wrong YAML type (e.g. a list where a mapping is expected)."),
    Rule(
        "E104",
        "value not allowed",
        "The value is not one of the closed vocabulary (layer, load mode, check type, ...).",
    ),
    Rule("E105", "value out of range", "The value breaks a constraint: naming pattern, length, bounds, uniqueness."),
    Rule("E106", "unsupported version", "`version` must be 1, the format this framework reads."),
    Rule("E107", "unknown kind", "`kind` must be pipeline, source or model."),
    Rule(
        "E201",
        "invalid column type",
        "A column type outside the portable set: string, integer, bigint, decimal(p,s), double, boolean, date, timestamp, timestamptz.",
    ),
    Rule(
        "E202",
        "duplicate column",
        "Two columns of one spec share a name (case aside: warehouses fold it), or a spec declares a column "
        "the framework adds: a model table's _build_seq, a source's _batch_date, _source_file, _source_line "
        "and _load_seq.",
    ),
    Rule(
        "E203",
        "unknown column",
        "A key, tracked column, ordering column, hint or check names a column the spec does not declare.",
    ),
    Rule(
        "E204",
        "name does not match file",
        "A source or model's `name` must equal its file name without `.yml`; a pipeline spec lives in `pipeline.yml`.",
    ),
    Rule(
        "E205",
        "duplicate spec name",
        "Two specs of one pipeline share a name (sources and models share one namespace: the table names), "
        "or a spec's table would be one of the framework's (a layer sharing the internal schema).",
    ),
    Rule(
        "E206",
        "SCD2 without business key",
        "An SCD2 model needs `keys.business` to know which rows are versions of one entity.",
    ),
    Rule(
        "E207",
        "SCD2 tracks its key",
        "A business key column cannot also be a tracked column: a changed key is a different entity.",
    ),
    Rule(
        "E208",
        "SCD2 columns",
        "An SCD2 model must declare valid_from/valid_to (timestamp or timestamptz), is_current (boolean), and a date, timestamp or timestamptz `version_start` column (a timestamptz is an instant; every target's session runs in UTC).",
    ),
    Rule(
        "E209",
        "model SQL missing",
        "A model needs exactly one of `sql` or `sql_file`, and the file must exist beside the spec.",
    ),
    Rule(
        "E210",
        "source key",
        "A source loaded with `upsert`, or de-duplicated, needs a `primary_key`; key columns must not be nullable.",
    ),
    Rule(
        "E211",
        "materialization",
        "Incremental models need an `incremental` strategy (time_range with a timestamp/date `time_column`); views keep no history.",
    ),
    Rule(
        "E212",
        "pipeline settings",
        "Invalid schedule (cron or preset), start date, `default_target` not among `targets`, a DuckDB "
        "`memory_limit` below the 128MiB it needs to read a file (or above what DuckDB takes), or a layer's "
        "schema that is a warehouse's own (information_schema, temp, system, pg_…).",
    ),
    Rule(
        "E213",
        "pipeline spec missing or repeated",
        "Each pipeline folder holds exactly one `kind: pipeline` spec, and pipelines linted together have "
        "names of their own (a name is a DAG id).",
    ),
    Rule(
        "E214",
        "Redshift hints",
        "`diststyle: key` needs a `distkey` and a `distkey` needs `diststyle: key`; both name declared columns.",
    ),
    Rule(
        "E215",
        "path outside its root",
        "A landing `path` must stay inside the landing folder (no absolute path, no `..`) and a `sql_file` "
        "inside its spec's folder; neither is read otherwise.",
    ),
    Rule(
        "E216",
        "nullable model key",
        "A table or incremental model's `keys.business` columns must not be nullable: a merge or delete+insert "
        "matches keys by equality, which NULL never satisfies (a NULL-keyed row would be kept twice), and "
        "PostgreSQL's primary key refuses NULL. COALESCE the column in the SELECT and declare it nullable: false.",
    ),
    Rule(
        "E217",
        "CSV options",
        "A CSV source's `quote` must differ from its `delimiter`, and neither may be a line break: the "
        "reader could not tell a field, or a record, from the next.",
    ),
    Rule(
        "E218",
        "column format",
        "A source column's `format` reads a date, timestamp or timestamptz (on another type it does "
        "nothing), with strptime specifiers ingest's reader takes (not %s, %e, %D, %F, nor %n: "
        "nanoseconds no target holds); one that reads a UTC offset or zone (%z, %Z) only into a "
        "timestamptz, as a date or timestamp column would drop it.",
    ),
    Rule("E301", "unknown dependency", "`depends_on` names a spec that does not exist in this pipeline."),
    Rule("E302", "dependency cycle", "Specs depend on each other in a loop; the message prints the cycle."),
    Rule(
        "E303", "unknown relationship target", "A relationships check points at a spec or column that does not exist."
    ),
    Rule("E304", "relationship type mismatch", "A relationships check compares columns of incompatible types."),
    Rule(
        "E305",
        "unknown declared key path",
        "`incremental.keys_from` names an input that is not in depends_on, or a column that input does not have.",
    ),
    Rule(
        "E306",
        "accepted value of another type",
        "An accepted_values check lists a value the column's type cannot hold (a word for an integer column, "
        "a number for a string column): the check's query would fail on the warehouse.",
    ),
    Rule(
        "E401",
        "SQL syntax error",
        "The model's SELECT (or a check's condition) does not parse in the Redshift dialect.",
    ),
    Rule(
        "E402",
        "not a SELECT",
        "A model's SQL must be exactly one SELECT query (CTEs and set operations allowed) that only reads: "
        "no SELECT … INTO, no DELETE, INSERT or UPDATE inside a CTE.",
    ),
    Rule("E403", "unknown table", "The SELECT reads a table that is neither a spec of this pipeline nor a CTE."),
    Rule(
        "E404",
        "unknown column",
        "The SELECT names a column its source does not declare (sources also offer _batch_date, _source_file, "
        "_source_line; model tables _build_seq).",
    ),
    Rule("E405", "ambiguous column", "An unqualified column exists in more than one of the tables the SELECT reads."),
    Rule(
        "E406",
        "output mismatch",
        "The SELECT's output columns must be the model's declared columns (minus the ones the framework fills), in order, with compatible types.",
    ),
    Rule(
        "E407",
        "depends_on mismatch",
        "`depends_on` must list exactly the specs the SELECT reads: it is explicit so the graph is known without parsing SQL, and checked so it never drifts.",
    ),
    Rule(
        "E408",
        "not portable to DuckDB",
        "The SELECT uses a Redshift construct sqlglot cannot translate for the embedded DuckDB target.",
    ),
    Rule(
        "E409",
        "not a Redshift function",
        "The SQL calls a function Redshift does not have (e.g. DuckDB's MAKE_DATE or read_text), with a "
        "number of arguments it does not take, or one that depends on when it runs (GETDATE, RANDOM); or "
        "uses a construct Redshift's SQL lacks (an aggregate's FILTER clause, LATERAL, array or struct "
        "literals and subscripts: `[v][1]`, `{'a': v}`, a `{{ v }}` template left in). "
        "The catalogue with the AWS reference page of each function: framework/sql/redshift_functions.tsv.",
    ),
    Rule(
        "E410",
        "not the same value everywhere",
        "A construct the embedded DuckDB run or PostgreSQL would compute differently from Redshift and "
        "that cannot be translated exactly (a TO_CHAR token without an equivalent, DATEDIFF(week), ROUND of "
        "a double without places, a double cast to a decimal or to text, ...): refused, with what to write "
        "instead (framework/sql/parity.py).",
    ),
    Rule(
        "E411",
        "reads outside the pipeline's specs",
        "Model SQL and check conditions read only the pipeline's specs, by name (and the query's CTEs). "
        "Refused on every target: a schema-qualified table (`elt.file_ledger`, `information_schema.tables`, "
        "even `staging.orders`), any table function in FROM/JOIN (`read_csv(...)`, `generate_series(...)`: "
        "Redshift runs none on compute nodes), and any call of a function that reaches files, the network or "
        "the server (`read_text`, `pg_read_file`, `lo_import`, `dblink`, `current_setting`, `getenv`, "
        "`query`, ...; the list is `framework/sql/surface.py`). Declare a source for external data.",
    ),
    Rule(
        "E412",
        "check condition",
        "An expression check's condition is exactly one boolean expression (no `;`, no statement, not a "
        "number, text or date, nothing that writes) over the model's declared columns, framework-filled ones "
        "included, tested row by row (no aggregate or window function but in a subquery); a subquery "
        "in it may read the model's depends_on.",
    ),
    Rule(
        "E413",
        "depends on which batches a run loads",
        "An incremental model's SELECT picks the latest batch over all rows — a global MAX/MIN of a "
        "bookkeeping column (`_batch_date = (SELECT MAX(_batch_date) FROM …)`, in any scope), a window "
        "over one with no PARTITION BY, `NOT EXISTS` of a later batch: one run per batch and one run "
        "over a backlog (or `--full`) would return other rows from the same staged data. Per key "
        "(GROUP BY, PARTITION BY, a subquery correlated by the key) it is allowed. Likewise a time_range "
        "model filtering on a bookkeeping column (`_batch_date`, …) of an upsert or full_refresh source: a "
        "row sent again takes the later batch's value, and the time value it leaves keeps its old rows.",
    ),
    Rule(
        "E414",
        "a name the framework's SQL uses",
        "Names starting with two underscores are the working names of the SQL the framework wraps "
        "around a model's SELECT and a load (`__q`, `__affected_<model>`, `__rn`, `__ts`, ...): no source "
        "or model column, and no CTE, table alias or column alias in model SQL or a check condition, may "
        "start with `__`, or it would bind in their place.",
    ),
    Rule("W501", "unused source", "No model depends on this source, so it is loaded but never used."),
    Rule("W502", "model without checks", "A dimension, fact or mart model declares no checks at all."),
    Rule(
        "W503",
        "input without a key path",
        "An incremental model's builds recompute only the keys its inputs' changes affect, traced "
        "through the SELECT's equality joins; a change in an input no such path leads from rebuilds "
        "the whole table.",
    ),
    Rule(
        "W504",
        "integer arithmetic into a fractional column",
        "A decimal or double column is computed with AVG over integers or an integer division, which "
        "Redshift computes in integers (the mean or quotient truncated).",
    ),
    Rule(
        "W505",
        "option without effect",
        "An option the spec's other choices make moot: `incremental.keys_from` on a time_range model, "
        "`allow_empty_snapshot` on a source that is not a snapshot (load_mode other than full_refresh), "
        "`landing.csv` on a parquet source.",
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}


def rules_markdown() -> str:
    lines = [
        "# Lint rules",
        "",
        "Generated from `framework/lint/catalog.py` (`elt lint --list-rules --format markdown`).",
        "Codes are stable. Errors make `elt lint` exit with 1; warnings (W) do not unless `--strict`.",
        "",
        "| code | severity | rule | what it means |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {r.code} | {r.severity} | {r.title} | {r.explanation} |" for r in RULES]
    return "\n".join(lines) + "\n"
