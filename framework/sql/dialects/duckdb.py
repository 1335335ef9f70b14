"""DuckDB, the embedded default: reads the batch's Parquet files by column name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.sql.dialects.base import Dialect
from framework.sql.kinds import LoadMethod, StringLength


@dataclass(frozen=True)
class DuckDBDialect(Dialect):
    name: str = "duckdb"
    sqlglot_dialect: str = "duckdb"
    load_method: LoadMethod = LoadMethod.READ_PARQUET
    declare_primary_keys: bool = False
    # DuckDB updates rows in place, costed per touched vector and column: a MERGE updating 880
    # rows spread over a million-row table is estimated past the 16 MiB WAL threshold and its
    # commit checkpoints the touched row groups (0.3 s); delete+insert appends instead (0.02 s,
    # no checkpoint). Same rows either way: the source's keys are unique (guarded). The MERGE
    # shape itself runs on PostgreSQL's tests.
    upsert_by_merge: bool = False
    anti_join_as_not_in: bool = True
    key_path_tables: bool = True
    string_length: StringLength = StringLength.NONE
    # the words sqlglot's DuckDB reader takes for keywords
    quoted_names: frozenset[str] = frozenset(
        """alter between cube drop exclude force insert install lock partitioned_by regexp revoke rlike rollback
        rollup uncache xor""".split()
    )

    def placeholder(self, name: str) -> exp.Placeholder:
        return exp.Placeholder(this=name)  # `$name`, DuckDB's named parameter, parses back as a plain name

    def prepare(self, statement: exp.Expression) -> exp.Expression:
        from framework.sql.parity import translate

        # Redshift's values, not DuckDB's (framework.sql.parity)
        return self.quote_names(translate(statement, self.name))
