"""A model's SELECT as a tree, with spec names replaced by their physical tables."""

from __future__ import annotations

from sqlglot import exp

from framework.compile.naming import Naming
from framework.errors import SpecError
from framework.spec import model as m
from framework.sql.parse import names_a_cte, parse_model
from framework.sql.schema import annotated
from framework.sql.surface import refuse_outside_reads


def qualified_query(spec: m.ModelSpec, naming: Naming, schema: dict | None = None) -> exp.Query:
    """The model's SELECT reading physical tables (`orders` → `staging.orders`), aliases kept.

    With the project's schema, columns are qualified and typed first, so that generating for
    another dialect keeps Redshift's semantics (e.g. integer `/` stays integer division on DuckDB).
    The parsed tree is shared (see framework.sql.parse): this works on a copy.
    """
    assert spec.sql is not None
    parsed_model = parse_model(spec.sql)
    parsed = parsed_model.tree
    if parsed is None:  # lint reports it; a caller that skipped lint gets the same findings
        raise SpecError(parsed_model.problems[0].format(), parsed_model.problems)
    refuse_outside_reads(parsed, spec.sql, [name for name, _ in naming.layers])
    query = (annotated(parsed, schema) if schema is not None else None) or parsed.copy()
    known = {name for name, _ in naming.layers}

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name in known and not names_a_cte(node):
            physical = naming.table_of(node.name)
            node = node.copy()
            node.set("db", physical.args["db"])
            if not node.alias:  # keep `orders.col` references working after qualification
                node.set("alias", exp.TableAlias(this=exp.to_identifier(physical.name)))
        return node

    qualified = query.transform(rewrite, copy=False)
    assert isinstance(qualified, exp.Query), "rewrite replaces tables only, never the root query"
    return qualified
