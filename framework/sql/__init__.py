"""The SQL layer below lint and compile: dialects, expression helpers, model SQL parsed once.

Importing this package costs nothing (no sqlglot): the DAG file and the dashboard may read
the constant below without paying for the parser.
"""

from __future__ import annotations

# Model SQL, check conditions and dashboard queries are written once, in this dialect (the
# production truth), and generated for every other dialect by sqlglot.
SOURCE_DIALECT = "redshift"
