"""A model's SELECT as a tree, with spec names replaced by their physical tables."""

from __future__ import annotations

from sqlglot import exp

from framework.compile.naming import Naming
from framework.spec import model as m

MODEL_SQL_DIALECT = "redshift"


def parse_model_sql(spec: m.ModelSpec) -> exp.Query:
    import sqlglot

    return sqlglot.parse_one(spec.sql.text, read=MODEL_SQL_DIALECT)


def cte_names(query: exp.Expression) -> set[str]:
    return {cte.alias_or_name for cte in query.find_all(exp.CTE)}


def referenced_specs(query: exp.Expression, spec_names: set[str]) -> list[str]:
    """Spec names the query reads (unqualified tables that are not CTEs), in order of first use."""
    ctes = cte_names(query)
    found = []
    for tbl in query.find_all(exp.Table):
        if not tbl.args.get("db") and tbl.name in spec_names and tbl.name not in ctes and tbl.name not in found:
            found.append(tbl.name)
    return found


def qualified_query(spec: m.ModelSpec, naming: Naming, schema: dict | None = None) -> exp.Query:
    """The model's SELECT reading physical tables (`orders` → `staging.orders`), aliases kept.

    With the project's schema, columns are qualified and typed first, so that generating for
    another dialect keeps Redshift's semantics (e.g. integer `/` stays integer division on DuckDB).
    """
    query = parse_model_sql(spec)
    if schema is not None:
        from framework.lint.model_sql import annotated

        query = annotated(query.copy(), schema, copy=False) or query
    ctes = cte_names(query)
    known = {name for name, _ in naming.layers}

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name in known and node.name not in ctes:
            physical = naming.table_of(node.name)
            node = node.copy()
            node.set("db", physical.args["db"])
            if not node.alias:  # keep `orders.col` references working after qualification
                node.set("alias", exp.TableAlias(this=exp.to_identifier(physical.name)))
        return node

    return query.transform(rewrite, copy=False)
