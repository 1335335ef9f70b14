"""The columns the framework adds to the tables specs describe: ingest's, a load's and a build's.

A small module of its own: a run needs their names without the SQL layer (sqlglot's import).
"""

from __future__ import annotations

from framework.spec import model as m
from framework.spec.types import PortableType

# Ingest writes these after the spec's columns in every lake file; staging keeps them.
INGEST_COLUMNS = (
    m.Column("_batch_date", "date", PortableType("date"), nullable=False, description="Batch the row arrived in."),
    m.Column("_source_file", "string", PortableType("string"), nullable=False, description="Landing file."),
    m.Column("_source_line", "bigint", PortableType("bigint"), nullable=False, description="Line in that file."),
)

# The load that last wrote a staging row (its file_ledger.load_seq): what a scoped build reads
# changes since. Staging has it after the ingest columns; lake files do not (a load assigns it).
LOAD_SEQ = m.Column(
    "_load_seq",
    "bigint",
    PortableType("bigint"),
    description="The load that last wrote the row (file_ledger.load_seq of its load).",
)

# The build that last wrote a model table's row (its model_builds.build_seq): the build adds it
# after the declared columns (a model's SELECT does not produce it); views have none.
BUILD_SEQ = m.Column(
    "_build_seq",
    "bigint",
    PortableType("bigint"),
    description="The build that last wrote the row (model_builds.build_seq of its model's build).",
)

# The working names of the SQL the framework generates around a model's SELECT and a load
# (`__q`, `__affected_<model>`, `__rn`, `__ts`, …) all start with it: no spec column and no CTE or
# alias of model SQL may (lint E414), or it would bind in their place.
RESERVED_PREFIX = "__"
