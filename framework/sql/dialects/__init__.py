"""The explicit registry of SQL dialects we generate for, by name."""

from __future__ import annotations

from framework.diagnostics import did_you_mean
from framework.errors import ConfigError
from framework.sql.dialects.base import Dialect
from framework.sql.dialects.duckdb import DuckDBDialect
from framework.sql.dialects.postgres import PostgresDialect
from framework.sql.dialects.redshift import RedshiftDialect

DIALECTS: dict[str, type[Dialect]] = {"duckdb": DuckDBDialect, "redshift": RedshiftDialect, "postgres": PostgresDialect}


class UnknownDialect(ConfigError):
    pass


def get_dialect(name: str) -> Dialect:
    try:
        return DIALECTS[name]()
    except KeyError:
        hint = did_you_mean(name, DIALECTS) or f"Known dialects: {', '.join(sorted(DIALECTS))}."
        raise UnknownDialect(f"unknown dialect '{name}'. {hint}") from None
