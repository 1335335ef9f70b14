"""CREATE SCHEMA / CREATE TABLE / ALTER TABLE ADD COLUMN from column lists."""

from __future__ import annotations

from sqlglot import exp

from framework.spec import model as m
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.expr import ident


def create_schema(name: str) -> exp.Create:
    return exp.Create(this=exp.Table(db=ident(name)), kind="SCHEMA", exists=True)


def column_def(column: m.Column, dialect: Dialect) -> exp.ColumnDef:
    constraints = [] if column.nullable else [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]
    if dialect.string_collation and column.portable_type.name == "string":  # see Dialect.string_collation
        collate = exp.CollateColumnConstraint(this=exp.Identifier(this=dialect.string_collation, quoted=True))
        constraints.insert(0, exp.ColumnConstraint(kind=collate))
    return exp.ColumnDef(
        this=ident(column.name), kind=dialect.column_type(column.portable_type), constraints=constraints
    )


def create_table(
    name: exp.Table,
    columns: tuple[m.Column, ...],
    dialect: Dialect,
    *,
    primary_key: tuple[str, ...] = (),
    hints: m.RedshiftHints | None = None,
    if_not_exists: bool = True,
) -> exp.Create:
    """The table with mapped types, NOT NULL and an informational primary key (Redshift does not enforce it)."""
    definitions: list[exp.Expression] = [column_def(c, dialect) for c in columns]
    if primary_key and dialect.declare_primary_keys:
        definitions.append(exp.PrimaryKey(expressions=[ident(k) for k in primary_key]))
    properties = _hint_properties(hints) if hints else []
    create = exp.Create(
        this=exp.Schema(this=name, expressions=definitions),
        kind="TABLE",
        exists=if_not_exists,
        properties=exp.Properties(expressions=properties) if properties else None,
    )
    return dialect.finalize_create(create)


def _hint_properties(hints: m.RedshiftHints) -> list[exp.Expression]:
    props: list[exp.Expression] = []
    if hints.diststyle:
        props.append(exp.DistStyleProperty(this=exp.Var(this=hints.diststyle.upper())))
    if hints.distkey:
        props.append(exp.DistKeyProperty(this=ident(hints.distkey)))
    if hints.sortkey:
        props.append(
            exp.SortKeyProperty(this=[ident(k) for k in hints.sortkey], compound=hints.sortkey_style == "compound")
        )
    return props


def add_column(name: exp.Table, column: m.Column, dialect: Dialect) -> exp.Alter:
    return exp.Alter(this=name, kind="TABLE", actions=[column_def(column, dialect)])


def backfilled_column(
    name: exp.Table, column: m.Column, values: exp.Select, match: exp.Expression | None, dialect: Dialect
) -> list[exp.Expression]:
    """A column a table made by an older version lacks: added, and each existing row given the
    `seq` of the row of `values` (read as `__l`) that `match` pairs it with — every row, when
    `values` is one row and there is no `match`."""
    backfill = exp.Update(
        this=name.copy(),
        expressions=[exp.EQ(this=q.col(column.name), expression=q.col("seq", "__l"))],
        from_=exp.From(this=q.subquery(values, "__l")),
        where=exp.Where(this=match) if match is not None else None,
    )
    return [add_column(name.copy(), column, dialect), backfill]
