"""A warehouse target: its sqlglot dialect, capability flags, type table, and a few overrides.

Capability flags come first and decide what the builders emit; the type table maps
portable types; overrides are the handful of statements that cannot be written
once for every target (loading files, dropping physical hints).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.spec.types import PortableType


@dataclass(frozen=True)
class Target:
    name: str = ""
    dialect: str = ""
    # --- capability flags --------------------------------------------------------------
    supports_merge: bool = True  # MERGE INTO … USING … (else delete+insert)
    merge_source_must_be_table: bool = False  # Redshift: stage a SELECT into a temp table first
    merge_allows_target_alias: bool = True  # Redshift: no alias on the MERGE target
    transactional_ddl: bool = True  # CREATE/DROP/ALTER inside BEGIN … COMMIT roll back with it
    supports_physical_hints: bool = False  # DISTSTYLE / DISTKEY / SORTKEY
    load_method: str = ""  # how staging reads lake files: 'read_parquet' | 'copy_parquet'
    # --- types -------------------------------------------------------------------------
    string_type: str = "VARCHAR"

    def column_type(self, ptype: PortableType) -> exp.DataType:
        if ptype.name == "decimal":
            return exp.DataType.build(f"DECIMAL({ptype.precision}, {ptype.scale})", dialect=self.dialect)
        spelled = {"string": self.string_type, "integer": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE PRECISION",
                   "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMPTZ"}
        return exp.DataType.build(spelled[ptype.name], dialect=self.dialect)

    @property
    def text_type(self) -> exp.DataType:
        """The string type that holds any value whole (used when hashing)."""
        return exp.DataType.build(self.string_type, dialect=self.dialect)

    def placeholder(self, name: str) -> exp.Placeholder:
        """A named run-time parameter, bound by the driver (never spliced into the text)."""
        return exp.Placeholder(this=exp.to_identifier(name))

    # --- overrides ---------------------------------------------------------------------
    def finalize_create(self, create: exp.Create) -> exp.Create:
        """Drop what this target does not understand (an AST transform, never a string edit)."""
        if self.supports_physical_hints:
            return create
        create = create.copy()
        props = create.args.get("properties")
        if props:
            kept = [p for p in props.expressions
                    if not isinstance(p, (exp.DistStyleProperty, exp.DistKeyProperty, exp.SortKeyProperty))]
            create.set("properties", exp.Properties(expressions=kept) if kept else None)
        return create

    def render(self, statement: exp.Expression) -> str:
        from sqlglot import ErrorLevel

        return statement.sql(dialect=self.dialect, unsupported_level=ErrorLevel.RAISE, pretty=True)
