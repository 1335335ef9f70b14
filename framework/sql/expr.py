"""Small sqlglot expression helpers shared by compile's builders and ingest. Identifiers are
always nodes, never text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlglot import exp

SENTINEL_VALID_TO = "9999-12-31 00:00:00"
NULL_MARK = "~"  # encodes NULL in change-detection hashes; a value '~' encodes as '1:~'


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name)


def table(name: str, schema: str | None = None) -> exp.Table:
    return exp.Table(this=ident(name), db=ident(schema) if schema else None)


def col(name: str, table_alias: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table_alias) if table_alias else None)


def cols(names: Iterable[str], table_alias: str | None = None) -> list[exp.Column]:
    return [col(n, table_alias) for n in names]


def lit(value) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def alias(expression: exp.Expr, name: str) -> exp.Alias:
    return exp.Alias(this=expression, alias=ident(name))


def cast(expression: exp.Expr, to: str | exp.DataType) -> exp.Cast:
    return exp.Cast(this=expression, to=exp.DataType.build(to) if isinstance(to, str) else to)


def and_all(conditions: list[exp.Expression]) -> exp.Expression:
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.And(this=result, expression=condition)
    return result


def or_all(conditions: list[exp.Expression]) -> exp.Expression:
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.Or(this=result, expression=condition)
    return result


def keys_equal(keys: Iterable[str], left: str, right: str) -> exp.Expression:
    return and_all([exp.EQ(this=col(k, left), expression=col(k, right)) for k in keys])


def concat(parts: list[exp.Expression]) -> exp.Expression:
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=False)
    return result


def encoded(value: exp.Expr, text_type: exp.DataType) -> exp.Expression:
    """`len:text` for a value, '~' for NULL: NULL ≠ '' and no separator can be forged.

    `text_type` is the target's full-length string type: Redshift's bare VARCHAR is
    VARCHAR(256), and a CAST to it would truncate what is hashed."""
    text = cast(value, text_type.copy())
    length = cast(exp.Length(this=text.copy()), text_type.copy())
    return exp.Coalesce(this=concat([length, lit(":"), text]), expressions=[lit(NULL_MARK)])


def row_hash(values: Sequence[exp.Expr], text_type: exp.DataType) -> exp.Expression:
    """MD5 over the encoded values: NULL-safe, separator-safe change detection and surrogate keys."""
    parts: list[exp.Expression] = []
    for i, value in enumerate(values):
        if i:
            parts.append(lit("|"))
        parts.append(encoded(value, text_type))
    return exp.MD5(this=concat(parts))


def select(*expressions: exp.Expression) -> exp.Select:
    return exp.Select(expressions=list(expressions))


def subquery(query: exp.Expr, name: str) -> exp.Subquery:
    return exp.Subquery(this=query, alias=exp.TableAlias(this=ident(name)))


def window(func: exp.Expr, partition: Sequence[exp.Expr], order: list[exp.Ordered] | None = None) -> exp.Window:
    return exp.Window(this=func, partition_by=partition, order=exp.Order(expressions=order) if order else None)


def asc(expression: exp.Expr) -> exp.Ordered:
    return exp.Ordered(this=expression, desc=False, nulls_first=True)


def desc(expression: exp.Expr) -> exp.Ordered:
    return exp.Ordered(this=expression, desc=True, nulls_first=False)


def create_temp_as(name: str, query: exp.Expr) -> exp.Create:
    return exp.Create(
        this=table(name),
        kind="TABLE",
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def drop_table(name: str, schema: str | None = None) -> exp.Drop:
    return exp.Drop(tables=[table(name, schema)], kind="TABLE", exists=True)


def insert_select(target: exp.Table, columns: list[str], query: exp.Expr) -> exp.Insert:
    return exp.Insert(this=exp.Schema(this=target, expressions=[ident(c) for c in columns]), expression=query)


def exists(query: exp.Expr) -> exp.Exists:
    return exp.Exists(this=query)
