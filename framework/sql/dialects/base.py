"""A SQL dialect we generate for: its sqlglot dialect, capability flags, type table, and a few overrides.

Capability flags come first and decide what the builders emit; the type table maps
portable types; overrides are the handful of statements that cannot be written
once for every dialect (loading files, dropping physical hints).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlglot import exp

from framework.spec.types import MAX_STRING_LENGTH, PortableType
from framework.sql.kinds import LoadMethod, Privileges, StringLength

UTF8_MAX_BYTES = 4


@dataclass(frozen=True)
class Dialect:
    """A warehouse's SQL: what statements we can emit for it and how they are spelled.

    Not a connection: the targets of pipeline.yml (framework.spec.model) say where to run."""

    name: str = ""
    sqlglot_dialect: str = ""  # sqlglot's name for it
    # --- capability flags --------------------------------------------------------------
    # Upserts by MERGE INTO … USING …, else by delete+insert. Where MERGE is used it always takes
    # the shape Redshift demands of everyone: source is a table (the staged temp table), no
    # target alias, one WHEN MATCHED and one WHEN NOT MATCHED, keys made unique beforehand.
    upsert_by_merge: bool = True
    # A relationships check finds orphans with `NOT IN (the parent's non-NULL keys)` instead of
    # NOT EXISTS: DuckDB runs it 2.3x faster (1 M rows against 1 M parents: 0.17 s against
    # 0.39 s); PostgreSQL plans NOT IN as a per-row subplan once the keys outgrow work_mem.
    anti_join_as_not_in: bool = False
    # A hop of a key path reads its input with the values reaching it kept in a temporary table
    # first (framework/compile/builders/scoping.py `_HopTables`): DuckDB sizes a join by
    # estimates, and guessed a filter on a run parameter large enough to build its hash table on
    # the million-row input. Off elsewhere: a temporary table is a catalog write on Redshift,
    # dearer than the subquery it replaces, and neither planner was measured to need it.
    key_path_tables: bool = False
    transactional_ddl: bool = True  # CREATE/DROP/ALTER inside BEGIN … COMMIT roll back with it
    supports_physical_hints: bool = False  # DISTSTYLE / DISTKEY / SORTKEY
    # Declare PRIMARY KEY in DDL. Redshift treats it as information for the planner; DuckDB
    # enforces it with an index that makes every load and rebuild slower. Uniqueness is
    # guarded before writing and checked after, the same way on every dialect.
    declare_primary_keys: bool = True
    # A view bound to its tables only when queried (Redshift's WITH NO SCHEMA BINDING): a table
    # under it can then be dropped and recreated (a spec's new shape) without dropping the view.
    late_binding_views: bool = False
    load_method: LoadMethod = LoadMethod.READ_PARQUET  # how staging reads lake files
    privileges: Privileges = Privileges.NONE  # how several database users share the tables
    # --- types -------------------------------------------------------------------------
    string_type: str = "VARCHAR"
    # string(n): VARCHAR(n) counts characters (PostgreSQL), bytes (Redshift: up to 4 per UTF-8
    # character), or nothing at all (DuckDB ignores a length; no need to write one)
    string_length: StringLength = StringLength.CHARACTERS
    # The collation every string column is made with ('': the database's). Strings compare and
    # sort by their bytes on DuckDB and Redshift; a PostgreSQL database made with a language
    # collation (en_US.UTF-8) sorts 'B' before 'a' otherwise — MIN, ORDER BY, `<`, and the
    # loads' own ordering by file name would differ from the other targets.
    string_collation: str = ""

    # Names sqlglot writes unquoted for this dialect but cannot read back as names there (a
    # keyword or a function without parentheses: a column `drop`, `current_schema`, `qualify`):
    # written quoted, in lower case as the warehouse folds them. A test recomputes the list from
    # sqlglot's own keywords (tests/unit/sql/test_sql_layer.py).
    quoted_names: frozenset[str] = frozenset()
    # ... and the names it cannot read back only in a column list (a CREATE TABLE's, an INSERT's:
    # `exclude` began an EXCLUDE constraint), but reads quoted nowhere else
    quoted_in_column_lists: frozenset[str] = frozenset()

    def quote_names(self, statement: exp.Expression) -> exp.Expression:
        for name in statement.find_all(exp.Identifier):
            listed = (
                isinstance(name.parent, (exp.ColumnDef, exp.Schema))
                and name.name.lower() in self.quoted_in_column_lists
            )
            if not name.quoted and (name.name.lower() in self.quoted_names or listed):
                name.set("this", name.name.lower())
                name.set("quoted", True)
        return statement

    def column_type(self, ptype: PortableType) -> exp.DataType:
        return _column_type(self.sqlglot_dialect, self.string_type, self.string_length, ptype).copy()

    def stored_type(self, ptype: PortableType) -> str:
        """How this warehouse's information_schema describes a column of this type, in the run's
        spelling (framework/run/state.py `stored_type`): a live column described otherwise was
        made for another type than the spec's."""
        return _stored_type(self.column_type(ptype))

    @property
    def text_type(self) -> exp.DataType:
        """The string type that holds any value whole (used when hashing)."""
        return exp.DataType.build(self.string_type, dialect=self.sqlglot_dialect)

    def placeholder(self, name: str) -> exp.Placeholder:
        """A named run-time parameter, bound by the driver (never spliced into the text)."""
        return exp.Placeholder(this=exp.to_identifier(name))

    # --- overrides ---------------------------------------------------------------------
    def finalize_create(self, create: exp.Create) -> exp.Create:
        """Drop what this dialect does not understand (an AST transform, never a string edit)."""
        if self.supports_physical_hints:
            return create
        create = create.copy()
        props = create.args.get("properties")
        if props:
            kept = [
                p
                for p in props.expressions
                if not isinstance(p, (exp.DistStyleProperty, exp.DistKeyProperty, exp.SortKeyProperty))
            ]
            create.set("properties", exp.Properties(expressions=kept) if kept else None)
        return create

    def prepare(self, statement: exp.Expression) -> exp.Expression:
        """An AST transform just before rendering, for a dialect's spelling quirks."""
        return self.quote_names(statement)

    def render(self, statement: exp.Expression, copy: bool = True) -> str:
        from sqlglot import ErrorLevel

        return statement.sql(dialect=self.sqlglot_dialect, unsupported_level=ErrorLevel.RAISE, pretty=True, copy=copy)


# The families information_schema tells apart, spelled as the run spells a live column's type.
_STORED_FAMILIES = {
    exp.DataType.Type.INT: "integer",
    exp.DataType.Type.BIGINT: "bigint",
    exp.DataType.Type.DECIMAL: "decimal",
    exp.DataType.Type.VARCHAR: "varchar",
    exp.DataType.Type.TEXT: "varchar",
    exp.DataType.Type.DOUBLE: "double",
    exp.DataType.Type.BOOLEAN: "boolean",
    exp.DataType.Type.DATE: "date",
    exp.DataType.Type.TIMESTAMP: "timestamp",
    exp.DataType.Type.TIMESTAMPNTZ: "timestamp",
    exp.DataType.Type.TIMESTAMPTZ: "timestamptz",
}


def _stored_type(data_type: exp.DataType) -> str:
    """`decimal(10,2)`, `varchar(200)`, `varchar`, `integer`…; '' for a type not told apart."""
    family = _STORED_FAMILIES.get(data_type.this, "")
    sizes = [p.this.name for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
    return f"{family}({','.join(sizes)})" if family and sizes else family


@functools.lru_cache(maxsize=256)
def _column_type(dialect: str, string_type: str, length_unit: StringLength, ptype: PortableType) -> exp.DataType:
    """Parsing a type name is slow and a project repeats a handful of them: build each once."""
    if ptype.name == "string" and ptype.length and length_unit is not StringLength.NONE:
        size = ptype.length * (UTF8_MAX_BYTES if length_unit is StringLength.BYTES else 1)
        return exp.DataType(
            this=exp.DataType.Type.VARCHAR,
            expressions=[exp.DataTypeParam(this=exp.Literal.number(min(size, MAX_STRING_LENGTH)))],
        )
    if ptype.name == "decimal":
        return exp.DataType(
            this=exp.DataType.Type.DECIMAL,
            expressions=[
                exp.DataTypeParam(this=exp.Literal.number(ptype.precision)),
                exp.DataTypeParam(this=exp.Literal.number(ptype.scale)),
            ],
        )
    spelled = {
        "string": string_type,
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "double": "DOUBLE PRECISION",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ",
    }
    return exp.DataType.build(spelled[ptype.name], dialect=dialect)
