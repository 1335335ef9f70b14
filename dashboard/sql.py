"""The query layer: one SQL text per query, rendered for the target's dialect by sqlglot.

Queries are written once, in the Redshift dialect like the pipeline's model SQL, naming
tables by spec name (`fact_orders`, `mart_customer_360`, `run_log`); rendering qualifies each
with its schema from pipeline.yml and transpiles to DuckDB, PostgreSQL or Redshift with
`unsupported_level=RAISE`. Values are never spliced into the text: every value is a bound
parameter (`:name` in the source; `$name` for DuckDB, `%(name)s` for psycopg and
redshift_connector's pyformat style).

A list parameter (a tuple value, e.g. the chosen states) must appear as `expr IN (:name)`:
it expands to one placeholder per value. An empty list means "no filter": the outermost
WHERE conjunct that mentions it is replaced by TRUE, so a semi-join written for the filter
costs nothing when the filter is off.

sqlglot is imported on first render, not at import (it costs ~100 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

from framework.errors import CompileError
from framework.sql import SOURCE_DIALECT

# spec name → layer; the schema of each layer comes from pipeline.yml
TABLE_LAYERS = {
    "dim_customer": "dimension",
    "dim_product": "dimension",
    "dim_seller": "dimension",
    "dim_date": "dimension",
    "fact_orders": "fact",
    "fact_order_items": "fact",
    "fact_payments": "fact",
    "fact_reviews": "fact",
    "mart_customer_360": "mart",
    "mart_daily_sales": "mart",
    "mart_category_monthly": "mart",
    "run_log": "internal",
    "file_ledger": "internal",
    "rejects": "internal",
    "model_builds": "internal",
}


class QueryError(CompileError):
    """A query that cannot be rendered: a programming error, not a data problem."""


@dataclass(frozen=True)
class Query:
    name: str
    sql: str  # Redshift dialect, tables by spec name, :name parameters
    doc: str = ""


@dataclass(frozen=True)
class Rendered:
    """SQL text for one dialect and the parameters it binds (only those it uses)."""

    sql: str
    params: dict


def render(query: Query, dialect: str, schemas: dict[str, str], params: dict) -> Rendered:
    """The query in `dialect`, tables qualified, list parameters expanded or dropped."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query.sql, read=SOURCE_DIALECT)
    except sqlglot.errors.ParseError as err:
        raise QueryError(f"{query.name}: {err}") from None
    _qualify(tree, schemas, query.name)
    bound = {}
    for placeholder in list(tree.find_all(exp.Placeholder)):
        name = placeholder.name
        if name not in params:
            raise QueryError(f"{query.name}: no value for parameter :{name}")
        if isinstance(params[name], (tuple, list, frozenset, set)):
            bound.update(_expand_list(placeholder, name, sorted(params[name]), query.name))
    for placeholder in tree.find_all(exp.Placeholder):  # what is left after dropping filters
        bound.setdefault(placeholder.name, params.get(placeholder.name))
    sql = tree.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
    return Rendered(sql, bound)


def _qualify(tree, schemas: dict[str, str], query_name: str) -> None:
    from sqlglot import exp

    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.db or table.name in ctes:
            continue
        layer = TABLE_LAYERS.get(table.name)
        if layer is None:
            raise QueryError(f"{query_name}: unknown table '{table.name}'")
        table.set("db", exp.to_identifier(schemas[layer]))


def _expand_list(placeholder, name: str, values: list, query_name: str) -> dict:
    from sqlglot import exp

    in_list = placeholder.parent
    if not isinstance(in_list, exp.In) or in_list.expressions != [placeholder]:
        raise QueryError(f"{query_name}: list parameter :{name} must appear as `expr IN (:{name})`")
    if values:
        names = [f"{name}_{i}" for i in range(len(values))]
        in_list.set("expressions", [exp.Placeholder(this=n) for n in names])
        return dict(zip(names, values))
    conjunct = _outermost_where_conjunct(in_list)
    if conjunct is None:
        raise QueryError(f"{query_name}: list parameter :{name} must be inside a WHERE condition")
    conjunct.replace(exp.true())
    return {}


def _outermost_where_conjunct(node):
    """The highest ancestor of `node` (or itself) that is one AND-ed condition of a WHERE clause."""
    from sqlglot import exp

    found = None
    while node is not None:
        parent = node.parent
        top = parent
        while isinstance(top, exp.And):
            top = top.parent
        if isinstance(top, exp.Where) and not isinstance(node, exp.And):
            found = node
        node = parent
    return found
