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


@dataclass(frozen=True)
class PostgresDialect(Dialect):
    name: str = "postgres"
    sqlglot_dialect: str = "postgres"
    load_method: LoadMethod = LoadMethod.COPY_STDIN
    privileges: Privileges = Privileges.OWNER_ROLE
    string_collation: str = "C"

    def prepare(self, statement: exp.Expression) -> exp.Expression:
        # sqlglot writes DATEDIFF for PostgreSQL as EXTRACT(epoch FROM …) and reads that back
        # with the unit upper-cased: replace each DATEDIFF by the tree of its own rendering, so
        # the text is a fixed point (the statement means the same either way).
        import sqlglot

        from framework.sql.parity import translate

        statement = translate(statement, self.name)  # Redshift's values (framework.sql.parity)
        for node in list(statement.find_all(exp.DateDiff, exp.TsOrDsDiff)):
            node.replace(sqlglot.parse_one(node.sql(dialect=self.sqlglot_dialect), read=self.sqlglot_dialect))
        return statement
