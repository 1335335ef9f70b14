"""Amazon Redshift (Serverless): COPY from S3, MERGE restrictions, physical hints."""

from __future__ import annotations

from dataclasses import dataclass

from framework.sql.dialects.base import Dialect
from framework.sql.kinds import LoadMethod, Privileges, StringLength


@dataclass(frozen=True)
class RedshiftDialect(Dialect):
    name: str = "redshift"
    sqlglot_dialect: str = "redshift"
    supports_physical_hints: bool = True
    # AWS, "CREATE VIEW": a late-binding view does not check the underlying objects until it is
    # queried, so a table beneath it can be dropped (every table it reads is schema-qualified).
    late_binding_views: bool = True
    load_method: LoadMethod = LoadMethod.COPY_PARQUET
    privileges: Privileges = Privileges.SCOPED_GRANTS
    string_length: StringLength = StringLength.BYTES
    # Redshift's VARCHAR counts bytes; 65535 is the maximum and costs nothing on disk (compressed).
    string_type: str = "VARCHAR(65535)"
