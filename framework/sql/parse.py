"""Model SQL and check conditions parsed in the source dialect, each model once per process.

`parse_model` is what lint and compile both read: the SELECT's tree, the unqualified tables it
reads and its CTE names, or the E401/E402 diagnostics that say why there is no tree. The
result is cached (bounded) by the spec's `SqlText`, so `elt compile`, which lints first, parses
each model once. The tree is shared: read it, or `copy()` it before changing it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlglot import exp

from framework.diagnostics import Diagnostic
from framework.spec import model as m
from framework.sql import SOURCE_DIALECT


@dataclass(frozen=True)
class ParsedModel:
    tree: exp.Query | None  # None when the text is not one SELECT query (see `problems`)
    problems: tuple[Diagnostic, ...] = ()
    tables: tuple[str, ...] = ()  # unqualified tables read that are not CTEs, in order of first use
    ctes: frozenset[str] = frozenset()

    def referenced_specs(self, spec_names) -> list[str]:
        """Spec names the query reads, in order of first use."""
        return [name for name in self.tables if name in spec_names]


# A bound on memory, not a policy: large enough for every model of a big project.
@functools.lru_cache(maxsize=4096)
def parse_model(sql: m.SqlText) -> ParsedModel:
    """A model's SELECT parsed once; parser positions are mapped back to the file in diagnostics."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        statements = [s for s in sqlglot.parse(sql.text, read=SOURCE_DIALECT) if s is not None]
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        line, col = sql.file_position(*token_start(first))
        return ParsedModel(None, (Diagnostic(sql.path, line, col, "E401", parse_message(first, str(err))),))
    except TokenError as err:
        line, col = sql.file_position(1, 1)
        return ParsedModel(None, (Diagnostic(sql.path, line, col, "E401", f"SQL syntax error: {err}"),))
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        found = statements[1] if len(statements) > 1 else (statements[0] if statements else None)
        what = (
            "no statement"
            if found is None
            else f"{len(statements)} statements"
            if len(statements) > 1
            else f"a {found.key.upper()} statement"
        )
        line, col = sql.file_position(1, 1)
        message = f"model SQL must be one SELECT query, found {what}"
        return ParsedModel(None, (Diagnostic(sql.path, line, col, "E402", message),))
    tree = statements[0]
    ctes = frozenset(cte_names(tree))
    tables = dict.fromkeys(t.name for t in tree.find_all(exp.Table) if not t.args.get("db") and t.name not in ctes)
    return ParsedModel(tree, (), tuple(tables), ctes)


def parse_condition(text: str) -> exp.Expr:
    """A check's condition (a boolean expression). Raises sqlglot's ParseError / TokenError."""
    import sqlglot

    return sqlglot.parse_one(text, read=SOURCE_DIALECT)


def cte_names(query: exp.Expr) -> set[str]:
    return {cte.alias_or_name for cte in query.find_all(exp.CTE)}


def token_start(error: dict) -> tuple[int, int]:
    """sqlglot reports the column where the offending token ends; editors want where it starts."""
    line, col = error.get("line") or 1, error.get("col") or 1
    highlight = error.get("highlight") or ""
    if highlight and "\n" not in highlight:
        col = max(1, col - len(highlight) + 1)
    return line, col


def parse_message(error: dict, fallback: str) -> str:
    description = error.get("description") or fallback.splitlines()[0]
    missing = re.match(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>", description)
    if missing:  # sqlglot's internal class names mean little to a user
        description = f"incomplete {missing.group(2).upper()}: its {missing.group(1)} is missing"
    near = (error.get("highlight") or "").strip()
    return f"SQL syntax error (Redshift dialect): {description}" + (f" near '{near}'" if near else "")
