"""What model SQL and check conditions may read: the pipeline's specs, nothing of the warehouse.

A spec's SQL runs with the pipeline's warehouse credentials on every target (Redshift, DuckDB
in-process, PostgreSQL), so it must not reach files, the network, server settings or the
framework's own tables. `outside_reads` lists every node that would:

- a schema-qualified table (`elt.file_ledger`, `information_schema.tables`, even
  `staging.orders`): specs are read by name, the framework places them;
- a table function in FROM/JOIN (`read_csv(...)`, `generate_series(...)`): Redshift runs none
  on compute nodes (its `generate_series` is leader-node only), so none is portable;
- a call, anywhere, of a function in `UNSAFE_FUNCTIONS` or with an unsafe prefix/suffix.

This denylist is its own module so a catalogue of the functions Redshift has can sit beside
it: these names are refused whatever a catalogue says.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlglot import exp

from framework.diagnostics import Diagnostic
from framework.errors import SpecError
from framework.spec import model as m
from framework.sql.parse import first_offset, node_position


class Reach(enum.Enum):
    """What an unsafe function reaches: said in the message, so the refusal explains itself."""

    FILES = "reads or writes files on the warehouse's machine"
    NETWORK = "opens a network connection"
    SERVER = "reads or changes the warehouse's settings, catalog or sessions"


UNSAFE_FUNCTIONS: Mapping[str, Reach] = MappingProxyType(
    {
        # DuckDB file readers (also reachable as scalar calls)
        "read_text": Reach.FILES,
        "read_blob": Reach.FILES,
        "read_csv": Reach.FILES,
        "read_csv_auto": Reach.FILES,
        "read_json": Reach.FILES,
        "read_json_auto": Reach.FILES,
        "read_ndjson": Reach.FILES,
        "read_parquet": Reach.FILES,
        "read_xlsx": Reach.FILES,
        "glob": Reach.FILES,
        "sniff_csv": Reach.FILES,
        "st_read": Reach.FILES,
        # PostgreSQL server files and large objects
        "pg_read_file": Reach.FILES,
        "pg_read_binary_file": Reach.FILES,
        "pg_ls_dir": Reach.FILES,
        "pg_stat_file": Reach.FILES,
        "lo_import": Reach.FILES,
        "lo_export": Reach.FILES,
        # network
        "dblink": Reach.NETWORK,
        "http_get": Reach.NETWORK,
        "http_post": Reach.NETWORK,
        # settings, environment, other queries, sessions
        "current_setting": Reach.SERVER,
        "set_config": Reach.SERVER,
        "getenv": Reach.SERVER,
        "pg_sleep": Reach.SERVER,
        "pg_terminate_backend": Reach.SERVER,
        "pg_cancel_backend": Reach.SERVER,
        "pg_reload_conf": Reach.SERVER,
        "query": Reach.SERVER,
        "query_table": Reach.SERVER,
    }
)

# Families named by a prefix or suffix (DuckDB's scanners and system functions, PostgreSQL's
# file and large-object functions); Redshift has no function spelled like these.
UNSAFE_PREFIXES: tuple[tuple[str, Reach], ...] = (
    ("read_", Reach.FILES),
    ("pg_read_", Reach.FILES),
    ("pg_ls_", Reach.FILES),
    ("pg_file_", Reach.FILES),
    ("lo_", Reach.FILES),
    ("parquet_", Reach.FILES),
    ("dblink", Reach.NETWORK),
    ("http_", Reach.NETWORK),
    ("duckdb_", Reach.SERVER),
    ("pragma_", Reach.SERVER),
)
UNSAFE_SUFFIXES: tuple[tuple[str, Reach], ...] = (("_scan", Reach.FILES),)


def unsafe_function(name: str) -> Reach | None:
    """Why a function (any case, unquoted) may not be called, or None when it may."""
    name = name.lower()
    if name in UNSAFE_FUNCTIONS:
        return UNSAFE_FUNCTIONS[name]
    for prefix, reach in UNSAFE_PREFIXES:
        if name.startswith(prefix):
            return reach
    for suffix, reach in UNSAFE_SUFFIXES:
        if name.endswith(suffix):
            return reach
    return None


class Outside(enum.Enum):
    QUALIFIED_TABLE = "qualified table"
    TABLE_FUNCTION = "table function"
    UNSAFE_FUNCTION = "function"


@dataclass(frozen=True)
class OutsideRead:
    """One node of a spec's SQL that reads outside the pipeline's specs."""

    kind: Outside
    name: str  # as written, lower case for functions: 'elt.file_ledger', 'read_csv'
    node: exp.Expr  # where to point (its tokens carry positions in `meta`)
    spec: str = ""  # a qualified table's name when it is a spec of the pipeline
    reach: Reach | None = None

    @property
    def message(self) -> str:
        if self.kind is Outside.QUALIFIED_TABLE:
            return f"'{self.name}' reads outside the pipeline's specs: tables are named by spec, without a schema"
        what = "table function" if self.kind is Outside.TABLE_FUNCTION else "function"
        reach = f" (it {self.reach.value})" if self.reach else ""
        return f"{what} '{self.name}' reads outside the pipeline's specs{reach}"

    @property
    def hint(self) -> str:
        if self.spec:
            return f"Write '{self.spec}': the framework places each spec in its schema."
        if self.kind is Outside.QUALIFIED_TABLE:
            return "Read a spec by its name; declare a source for external data."
        if self.kind is Outside.TABLE_FUNCTION:
            return "FROM reads specs by name (and the query's CTEs); declare a source for external data."
        return "Read a spec by its name; declare a source for external data."


def outside_reads(tree: exp.Expr, text: str, spec_names: Collection[str]) -> list[OutsideRead]:
    """Every node of `tree` (parsed from `text`) that reads outside the specs, in text order."""
    found: list[OutsideRead] = []
    in_from: set[int] = set()
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, exp.Func):
            in_from.add(id(table.this))
            name = written_name(table.this, text)
            found.append(OutsideRead(Outside.TABLE_FUNCTION, name, table.this, reach=unsafe_function(name)))
        elif table.args.get("db") or table.args.get("catalog"):
            spec = table.name if table.name in spec_names else ""
            found.append(OutsideRead(Outside.QUALIFIED_TABLE, _dotted(table), table, spec=spec))
    for func in tree.find_all(exp.Func):
        if id(func) in in_from:
            continue
        name = written_name(func, text)
        reach = unsafe_function(name)
        if reach is not None:
            found.append(OutsideRead(Outside.UNSAFE_FUNCTION, name, func, reach=reach))
    return sorted(found, key=lambda r: first_offset(r.node))


def refuse_outside_reads(tree: exp.Expr, sql: m.SqlText, spec_names: Collection[str]) -> None:
    """Compile's own guard, for a caller that skipped lint: SpecError carrying the E411 findings."""
    found = outside_reads(tree, sql.text, spec_names)
    if found:
        diagnostics = [
            Diagnostic(sql.path, *node_position(sql, read.node), "E411", read.message, hint=read.hint) for read in found
        ]
        raise SpecError(diagnostics[0].format(), diagnostics)


def written_name(func: exp.Func, text: str) -> str:
    """The function's name as the user wrote it (sqlglot types some calls: read_csv → ReadCSV)."""
    meta = getattr(func, "meta", None) or {}
    if "start" in meta and "end" in meta:
        return text[meta["start"] : meta["end"] + 1].strip('"').lower()
    if isinstance(func, exp.Anonymous):
        return func.name.lower()
    return func.sql_name().lower()


def _dotted(table: exp.Table) -> str:
    parts = [table.args.get("catalog"), table.args.get("db"), table.this]
    return ".".join(p.name for p in parts if p is not None)
