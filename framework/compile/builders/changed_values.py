"""`elt.changed_values`: the values changed rows held in the columns key paths start from.

A key path (framework/compile/builders/scoping.py) follows a changed row's column to the keys it
affects. When that column is not the row's own key the row can move — an order corrected to
another customer — and only the value it held before leads to the key it left. Loads keep the
replaced rows' old values here, scoped builds the affected keys' values before and after.
"""

from __future__ import annotations

from sqlglot import exp

from framework.compile.naming import Naming
from framework.compile.statements import Statement, record
from framework.spec import model as m
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect

CHANGED_VALUES = ("pipeline", "relation", "seq", "column_name", "value")


def changed_value_row(relation: str, seq: str, column: str, value: exp.Expression, dialect: Dialect) -> list:
    return [
        dialect.placeholder("pipeline"),
        q.lit(relation),
        dialect.placeholder(seq),
        q.lit(column),
        q.cast(value, dialect.text_type),
    ]


def keep_replaced_values(
    spec: m.SourceSpec, columns: tuple[str, ...], source: str, naming: Naming, dialect: Dialect
) -> list[Statement]:
    """Before an upsert: the values the rows it replaces held in `columns`, where the new row
    holds another (an unchanged value is found through the new row). NULL too: a window
    partitioned by the column has a NULL partition, which a row leaving it changes."""
    staging = naming.table_of(spec.name)
    statements = []
    for column in columns:
        old, new = q.col(column, staging.name), q.col(column, source)
        rows = (
            q.select(*changed_value_row(spec.name, "load_seq", column, old.copy(), dialect))
            .from_(staging.copy())
            .join(q.table(source), on=q.keys_equal(spec.primary_key, staging.name, source))
            .where(_distinct(old, new))
        )
        statements.append(
            record(
                q.insert_select(naming.internal("changed_values"), list(CHANGED_VALUES), rows),
                f"keep the {column} the rows being replaced held",
            )
        )
    return statements


def _distinct(old: exp.Expression, new: exp.Expression) -> exp.Expression:
    """old IS DISTINCT FROM new, spelled out (Redshift has no IS DISTINCT FROM)."""
    old_null, new_null = exp.Is(this=old.copy(), expression=exp.Null()), exp.Is(this=new.copy(), expression=exp.Null())
    return q.or_all(
        [
            exp.NEQ(this=old.copy(), expression=new.copy()),
            exp.And(this=old_null, expression=exp.Not(this=new_null.copy())),
            exp.And(this=exp.Not(this=old_null.copy()), expression=new_null),
        ]
    )
