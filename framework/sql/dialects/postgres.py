"""PostgreSQL 15+: the statements Redshift runs, executed for real on a local server.

Like Redshift (and unlike DuckDB) it rejects a MERGE that meets a target row twice, so the
showcase pipeline running here proves the duplicate-key handling. It cannot read Parquet: the
executor streams a batch's lake files into the load table with COPY … FROM STDIN.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.sql.dialects.base import Dialect
from framework.sql.kinds import LoadMethod, Privileges

# PostgreSQL's reserved key words ("SQL Key Words", appendix C of its documentation: reserved,
# and reserved that can be a function or type), which a column or table name must quote.
# sqlglot's PostgreSQL writer quotes none of them (its DuckDB and Redshift writers do).
_RESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric authorization binary both case cast check
    collate collation column concurrently constraint create cross current_catalog current_date
    current_role current_schema current_time current_timestamp current_user default deferrable desc
    distinct do else end except false fetch for foreign freeze from full grant group having ilike in
    initially inner intersect into is isnull join lateral leading left like limit localtime
    localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
    references returning right select session_user similar some symmetric system_user table
    tablesample then to trailing true union unique user using variadic verbose when where window
    with""".split()
) | frozenset(  # and the words sqlglot's PostgreSQL reader takes for keywords
    """alter between cube drop exclude glob insert lock partitioned_by qualify regexp revoke rlike rollback rollup
    uncache xor""".split()
)


@dataclass(frozen=True)
class PostgresDialect(Dialect):
    name: str = "postgres"
    sqlglot_dialect: str = "postgres"
    load_method: LoadMethod = LoadMethod.COPY_STDIN
    privileges: Privileges = Privileges.OWNER_ROLE
    string_collation: str = "C"
    quoted_names: frozenset[str] = _RESERVED

    def prepare(self, statement: exp.Expression) -> exp.Expression:
        # sqlglot writes DATEDIFF for PostgreSQL as EXTRACT(epoch FROM …) and reads that back
        # with the unit upper-cased: replace each DATEDIFF by the tree of its own rendering, so
        # the text is a fixed point (the statement means the same either way).
        import sqlglot

        from framework.sql.parity import translate

        statement = translate(statement, self.name)  # Redshift's values (framework.sql.parity)
        for node in list(statement.find_all(exp.DateDiff, exp.TsOrDsDiff)):
            node.replace(sqlglot.parse_one(node.sql(dialect=self.sqlglot_dialect), read=self.sqlglot_dialect))
        return self.quote_names(statement)  # as PostgreSQL reads a name unquoted: folded to lower case
