"""Amazon Redshift (Serverless): COPY from S3, MERGE restrictions, physical hints."""

from __future__ import annotations

from dataclasses import dataclass

from framework.compile.targets.base import Target


@dataclass(frozen=True)
class RedshiftTarget(Target):
    name: str = "redshift"
    dialect: str = "redshift"
    supports_physical_hints: bool = True
    load_method: str = "copy_parquet"
    # Redshift's VARCHAR counts bytes; 65535 is the maximum and costs nothing on disk (compressed).
    string_type: str = "VARCHAR(65535)"
