"""Model SQL and check conditions parsed in the source dialect, each model once per process.

`parse_model` is what lint and compile both read: the SELECT's tree, the unqualified tables it
reads and its CTE names, or the E401/E402 diagnostics that say why there is no tree. The
result is cached (bounded) by the spec's `SqlText`, so `elt compile`, which lints first, parses
each model once. The tree is shared: read it, or `copy()` it before changing it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

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
        with _quiet_parser():
            parsed = sqlglot.parse(sql.text, read=SOURCE_DIALECT)
        # a comment after the last `;` is a statement of nothing (sqlglot: a Semicolon node)
        statements = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
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
            else "a statement that is no query"
            if isinstance(found, (exp.Command, exp.Anonymous))  # EXPLAIN, VALUES … read as text
            else f"a {found.key.upper()} statement"
        )
        line, col = sql.file_position(1, 1)
        message = f"model SQL must be one SELECT query, found {what}"
        return ParsedModel(None, (Diagnostic(sql.path, line, col, "E402", message),))
    written = _writes_inside(statements[0])
    if written is not None:
        line, col = sql.file_position(*offset_position(sql.text, first_offset(written)))
        message = f"model SQL must be one SELECT query that only reads, found {_what_it_writes(written)} inside it"
        return ParsedModel(None, (Diagnostic(sql.path, line, col, "E402", message),))
    tree = cte_column_lists_as_aliases(folded(spelled_functions(listagg_separators(statements[0]), sql.text)))
    ctes = frozenset(cte_names(tree))
    tables = dict.fromkeys(t.name for t in tree.find_all(exp.Table) if not t.args.get("db") and not names_a_cte(t))
    return ParsedModel(tree, (), tuple(tables), ctes)


def cte_column_lists_as_aliases(tree: exp.Query) -> exp.Query:
    """`WITH c (a, b) AS (SELECT x, y …)` as `WITH c AS (SELECT x AS a, y AS b …)`: the same query
    (AWS "WITH clause" names a CTE's columns so), in the one shape the checks, the lineage and
    the scoped builds read (adversarial round 55: `c.a` was an unknown column). A list that does
    not match its SELECT's columns one to one (a star, another count) is left as written."""
    for cte in tree.find_all(exp.CTE):
        alias = cte.args.get("alias")
        if not isinstance(alias, exp.TableAlias):
            continue
        names = list(alias.columns)
        select = cte.this
        while isinstance(select, exp.SetOperation):  # a set operation's names are its first part's
            select = select.this
        if not names or not isinstance(select, exp.Select) or len(select.expressions) != len(names):
            continue
        if any(isinstance(e, exp.Star) or isinstance(e.this, exp.Star) for e in select.expressions):
            continue
        select.set(
            "expressions",
            [
                exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e, n.copy())
                for e, n in zip(select.expressions, names)
            ],
        )
        alias.set("columns", None)
    return tree


# statements a query can hold that write: a CTE's DELETE … RETURNING, SELECT … INTO a new table
_WRITES = (exp.DML, exp.DDL, exp.Into, exp.Command, exp.Drop, exp.Alter, exp.TruncateTable)


def _writes_inside(tree: exp.Expr) -> exp.Expr | None:
    """The first node of `tree` that writes (a SELECT's own INTO included), or None."""
    return next((node for node in tree.walk() if isinstance(node, _WRITES)), None)


def _what_it_writes(node: exp.Expr) -> str:
    return "SELECT … INTO" if isinstance(node, exp.Into) else f"a {node.key.upper()} statement"


@contextlib.contextmanager
def _quiet_parser() -> Iterator[None]:
    """sqlglot logs "Falling back to parsing as a 'Command'" for what it cannot read (EXPLAIN …):
    lint says what it found instead, in its own words."""
    logger = logging.getLogger("sqlglot")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def folded(tree: _Tree) -> _Tree:
    """Unquoted names in lower case, as Redshift reads them (AWS "Names and identifiers": standard
    identifiers are case-insensitive, folded to lower case): `SELECT ID FROM ITEMS` reads the
    spec `items`' column `id`. A quoted name keeps its case."""
    for name in tree.find_all(exp.Identifier):
        if not name.quoted and name.name != name.name.lower():
            name.set("this", name.name.lower())
    return tree


# Redshift functions sqlglot reads as the same node as another with other semantics: the name
# written is kept in the node's meta (`spelled`), for the parity checks.
_SAME_NODE_AS_ANOTHER = {exp.TsOrDsAdd: "ADD_MONTHS"}  # read as DATEADD(month, …), no month-end rule
_Tree = TypeVar("_Tree", bound=exp.Expr)


# Calls whose arguments past these sqlglot's reader drops without a word: TO_DATE(s, fmt, TRUE)
# is read, and written for every warehouse, as TO_DATE(s, fmt). The count written is kept in the
# node's meta (`arguments`), for the parity checks to refuse what would not be carried.
_KEPT_ARGUMENTS: dict[type[exp.Expr], int] = {exp.StrToDate: 2, exp.StrToTime: 2}


def spelled_functions(tree: _Tree, text: str) -> _Tree:
    """Mark the nodes of `_SAME_NODE_AS_ANOTHER` written with that name (the parser records where
    a function's name is: meta start … end), and those of `_KEPT_ARGUMENTS` written with more."""
    for kind, name in _SAME_NODE_AS_ANOTHER.items():
        for node in tree.find_all(kind):
            start, end = node.meta.get("start"), node.meta.get("end")
            if isinstance(start, int) and isinstance(end, int) and text[start : end + 1].upper() == name:
                node.meta["spelled"] = name
    for counted, kept in _KEPT_ARGUMENTS.items():
        for call in tree.find_all(counted):
            end = call.meta.get("end")
            written = written_arguments(text, end + 1) if isinstance(end, int) else None
            if written is not None and written > kept:
                call.meta["arguments"] = written
    return tree


def written_arguments(text: str, offset: int) -> int | None:
    """How many arguments the call whose name ends before `offset` is written with (read with
    sqlglot's tokenizer, so strings and comments hold no commas); None when no call follows."""
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect
    from sqlglot.tokens import TokenType

    try:
        tokens = SqlglotDialect.get_or_raise(SOURCE_DIALECT).tokenize(text[offset:])
    except Exception:  # noqa: BLE001 - text the parser already read; a tokenizer quirk is no call
        return None
    if not tokens or tokens[0].token_type != TokenType.L_PAREN:
        return None
    depth, commas = 0, 0
    for token in tokens:
        if token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
            if depth == 0:
                return commas + 1 if token is not tokens[1] else 0
        elif token.token_type == TokenType.COMMA and depth == 1:
            commas += 1
    return None


def listagg_separators(tree: exp.Query) -> exp.Query:
    """`LISTAGG(DISTINCT x, ',')`: sqlglot's Redshift parser reads the separator as a second
    DISTINCT value (DISTINCT x, ','), which every dialect then writes as a row value; it is
    LISTAGG's separator, as without DISTINCT."""
    for agg in tree.find_all(exp.GroupConcat):
        values = agg.this
        if isinstance(values, exp.Distinct) and len(values.expressions) == 2 and not agg.args.get("separator"):
            value, separator = values.expressions
            agg.set("this", exp.Distinct(expressions=[value]))
            agg.set("separator", separator)
    return tree


@dataclass(frozen=True)
class ParsedCondition:
    tree: exp.Expr | None  # None when the text is not one expression (see `problems`)
    problems: tuple[Diagnostic, ...] = ()


def condition_text(spec: m.ModelSpec, check: m.Check) -> m.SqlText:
    """An expression check's condition with where it starts in the spec's YAML."""
    info = spec.origin.positions.where(check.key_path + ("condition",)) if spec.origin.positions else None
    if info is None:
        return m.SqlText(check.condition, spec.origin.path, 1, 1, block=False)
    text = spec.origin.positions.text if spec.origin.positions else ""
    if info.style in ("|", ">"):  # a block scalar: the text starts on the next line, indented
        first_line = info.line + 1
        content = next((ln for ln in text.splitlines()[first_line - 1 :] if ln.strip()), "")
        indent = len(content) - len(content.lstrip(" "))
        if info.style == ">":  # line breaks folded into spaces: each character found in the file
            return m.SqlText.folded(check.condition, spec.origin.path, text, first_line, indent + 1)
        return m.SqlText(check.condition, spec.origin.path, first_line, indent + 1, block=True)
    if not info.style:  # plain: folded like `>`
        return m.SqlText.folded(check.condition, spec.origin.path, text, info.line, info.col)
    if info.style in ('"', "'"):  # quoted: folded too, after the quote (round 55)
        return m.SqlText.folded(check.condition, spec.origin.path, text, info.line, info.col + 1)
    offset = 0
    return m.SqlText(check.condition, spec.origin.path, info.line, info.col + offset, block=False)


@functools.lru_cache(maxsize=4096)
def parse_condition(sql: m.SqlText, key_path: str = "") -> ParsedCondition:
    """A check's condition: exactly one boolean expression, never a statement (E401, E412)."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    def problem(line: int, col: int, code: str, message: str) -> ParsedCondition:
        line, col = sql.file_position(line, col)
        return ParsedCondition(None, (Diagnostic(sql.path, line, col, code, message, key_path=key_path),))

    try:
        statements = [s for s in sqlglot.parse(sql.text, read=SOURCE_DIALECT) if s is not None]
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        return problem(*token_start(first), "E401", parse_message(first, str(err)))
    except TokenError as err:
        return problem(1, 1, "E401", f"SQL syntax error: {err}")
    if len(statements) != 1:
        at = offset_position(sql.text, _second_statement_offset(sql.text))
        return problem(*at, "E412", f"a check condition must be one expression, found {len(statements)} statements")
    written = _writes_inside(statements[0])
    if written is not None:
        at = offset_position(sql.text, first_offset(written))
        return problem(*at, "E412", f"a check condition only reads, found {_what_it_writes(written)} inside it")
    tree = folded(spelled_functions(statements[0], sql.text))
    if not isinstance(tree, (exp.Condition, exp.Subquery)) or isinstance(tree, exp.Query):
        what = "a SELECT query" if isinstance(tree, exp.Query) else f"a {tree.key.upper()}"
        return problem(1, 1, "E412", f"a check condition must be one boolean expression, found {what}")
    across = _across_rows(tree)
    if across is not None:
        what = "a window function" if isinstance(across, exp.Window) else f"the aggregate {across.key.upper()}"
        at = offset_position(sql.text, first_offset(across))
        return problem(
            *at,
            "E412",
            f"a check condition is tested row by row, and {what} reads many rows: use a min_row_count check, or "
            "compute it in a subquery (SELECT SUM(…) FROM <input>)",
        )
    return ParsedCondition(tree)


def _across_rows(tree: exp.Expr) -> exp.Expr | None:
    """An aggregate or window function of the condition itself (a subquery's are its own)."""
    for node in tree.walk(prune=lambda n: isinstance(n, (exp.Subquery, exp.Query)) and n is not tree):
        if isinstance(node, (exp.AggFunc, exp.Window)):
            return node
    return None


def _second_statement_offset(text: str) -> int:
    """Where the text after the first `;` starts (a condition holds no `;` outside strings)."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    tokens = Dialect.get_or_raise(SOURCE_DIALECT).tokenize(text)
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.SEMICOLON:
            return tokens[i + 1].start if i + 1 < len(tokens) else token.start
    return 0


def first_offset(node: exp.Expr) -> int:
    """The earliest source offset of any token inside the node (0 when none is known)."""
    starts = [n.meta["start"] for n in node.walk() if "start" in (getattr(n, "meta", None) or {})]
    return min(starts, default=0)


def offset_position(text: str, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of a character offset in `text`."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def node_position(sql: m.SqlText, node: exp.Expr | None) -> tuple[int, int]:
    """Where a parsed node starts in the file that holds `sql` (its earliest token)."""
    if node is None:
        return sql.file_position(1, 1)
    offset = first_offset(node)
    if not offset and not _positioned(node):
        offset = _written_at(sql.text, node)
    return sql.file_position(*offset_position(sql.text, offset))


# the words a node sqlglot parses without a token position may be written as (a keyword function)
_SPELLINGS = {
    "CurrentDate": ("CURRENT_DATE",),
    "CurrentTimestamp": ("CURRENT_TIMESTAMP", "SYSDATE", "GETDATE", "LOCALTIMESTAMP", "NOW"),
    "CurrentTime": ("CURRENT_TIME", "LOCALTIME"),
}


def _positioned(node: exp.Expr) -> bool:
    return any("start" in (getattr(n, "meta", None) or {}) for n in node.walk())


def _written_at(text: str, node: exp.Expr) -> int:
    """A node without a position (CURRENT_DATE: a keyword, no token kept): where its word is
    written, after where its nearest positioned ancestor starts (that start when not found)."""
    import re

    parent, start = node.parent, 0
    while parent is not None and not (start := first_offset(parent)):
        parent = parent.parent
    words = _SPELLINGS.get(type(node).__name__, (node.key.upper(),))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    found = pattern.search(text, start)
    return found.start() if found else start


def cte_names(query: exp.Expr) -> set[str]:
    return {cte.alias_or_name for cte in query.find_all(exp.CTE)}


def names_a_cte(table: exp.Table) -> bool:
    """Whether an unqualified table reference names a CTE where it stands. A CTE is visible to the
    CTEs after it and to its query, not in its own body nor before it (unless WITH RECURSIVE):
    `WITH loans AS (SELECT … FROM loans …)` reads the table `loans` inside, the CTE after."""
    if table.args.get("db"):
        return False
    node: exp.Expr = table
    while node.parent is not None:
        parent = node.parent
        if isinstance(parent, exp.With):  # `node` is one of its CTEs: only the earlier ones are visible
            ctes = parent.expressions
            position = next(i for i, c in enumerate(ctes) if c is node)
            visible = ctes if parent.args.get("recursive") else ctes[:position]
            if any(c.alias_or_name == table.name for c in visible):
                return True
            if parent.parent is None:
                return False
            node = parent.parent  # the query of this WITH: its other CTEs are not in scope here
            continue
        with_ = parent.args.get("with_") if isinstance(parent, exp.Query) else None
        if with_ is not None and node is not with_ and any(c.alias_or_name == table.name for c in with_.expressions):
            return True
        node = parent
    return False


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
