"""What model SQL may read and must return, as lint checks it and compile qualifies it.

`project_schema` maps every spec to its columns' types in the source dialect (sources carry
the ingest columns too); `annotated` qualifies and types a SELECT against it; `select_columns`
is what a model's SELECT must produce. The columns the framework adds to tables
(`INGEST_COLUMNS`, `LOAD_SEQ`, `BUILD_SEQ`) live in `framework.spec.bookkeeping`.
"""

from __future__ import annotations

from sqlglot import exp

from framework.spec import model as m
from framework.spec.bookkeeping import BUILD_SEQ, INGEST_COLUMNS
from framework.spec.types import PortableType
from framework.sql import SOURCE_DIALECT
from framework.sql.dialects.base import Dialect

REJECT_TEXT_LIMIT = 1000  # characters of a rejected row's raw text (and reason) kept, wherever it is rejected

# A rejects file (ingest writes one beside a lake file whose landing file had rejected rows),
# in order: a warehouse COPY reads Parquet by position.
REJECT_FILE_COLUMNS = (
    m.Column("source", "string", PortableType("string"), nullable=False),
    m.Column("path", "string", PortableType("string"), nullable=False, description="Landing file."),
    m.Column("line", "bigint", PortableType("bigint"), nullable=False),
    m.Column("column_name", "string", PortableType("string")),
    m.Column("raw", "string", PortableType("string")),
    m.Column("reason", "string", PortableType("string"), nullable=False),
    m.Column("batch_date", "date", PortableType("date"), nullable=False),
)


def project_schema(project: m.Project) -> dict[str, dict[str, str] | None]:
    """spec name → {column → sqlglot type text}, what a model's SELECT may read."""
    # Types as model SQL spells them; a bare VARCHAR like the SQL people write.
    source = Dialect(sqlglot_dialect=SOURCE_DIALECT, string_type="VARCHAR")
    spelled: dict = {}  # portable type -> sqlglot type text, computed once per type
    schema: dict[str, dict[str, str] | None] = {}
    for spec in project.specs:
        columns = list(spec.columns)
        if isinstance(spec, m.SourceSpec):
            columns += list(INGEST_COLUMNS)
        elif spec.materialization is not m.Materialization.VIEW:
            columns.append(BUILD_SEQ)
        for c in columns:
            if c.type is not None and c.type not in spelled:
                spelled[c.type] = source.column_type(c.type).sql(SOURCE_DIALECT)
        schema[spec.name] = {c.name: spelled[c.type] if c.type else "UNKNOWN" for c in columns}
    for name in project.unbuilt:  # exists but failed to load: its columns are unknown, not absent
        schema.setdefault(name, None)
    return schema


def select_columns(spec: m.ModelSpec) -> list[str]:
    """Columns the SELECT must produce: the declared ones the framework does not fill."""
    return [c.name for c in spec.columns if c.name not in spec.managed_columns]


def annotated(query: exp.Query, schema: dict, copy: bool = True) -> exp.Query | None:
    """The query qualified and annotated with types (None when sqlglot cannot).
    With copy=False the given tree is qualified in place (for a tree the caller owns)."""
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    # Only the tables this query reads: sqlglot normalizes the whole mapping on every call.
    read = {t.name for t in query.find_all(exp.Table)}
    schema = {name: columns for name, columns in schema.items() if name in read and columns is not None}
    try:
        qualified = qualify(
            query.copy() if copy else query,
            schema=schema,
            dialect=SOURCE_DIALECT,
            identify=False,
            validate_qualify_columns=False,
            quote_identifiers=False,
        )
        return annotate_types(qualified, schema=schema, dialect=SOURCE_DIALECT, expression_metadata=_redshift_typing())
    except Exception:  # sqlglot's optimizer gives up on some constructs; the type check is best-effort
        return None


def _redshift_typing() -> dict:
    """sqlglot's typing of Redshift, with the rules it gets wrong set to AWS's: AVG over
    SMALLINT/INTEGER/BIGINT is BIGINT (the mean truncated), over DECIMAL a DECIMAL, over floats
    DOUBLE (AWS, "AVG function": return types)."""
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    metadata = dict(SqlglotDialect.get_or_raise(SOURCE_DIALECT).EXPRESSION_METADATA)
    metadata[exp.Avg] = {"annotator": _annotate_avg}
    binary = metadata[exp.Sub]["annotator"]
    metadata[exp.Sub] = {"annotator": lambda annotator, node: _annotate_sub(annotator, node, binary)}
    return metadata


def _annotate_sub(annotator, node: exp.Sub, binary) -> exp.Sub:
    """A date minus a date is the days between them, an INTEGER (AWS, "Datetime operators";
    DuckDB and PostgreSQL agree); sqlglot types it DATE."""
    binary(annotator, node)
    left, right = node.this.type, node.expression.type
    if left is not None and right is not None and left.this == right.this == exp.DataType.Type.DATE:
        annotator._set_type(node, exp.DataType.build("INT"))
    return node


def _annotate_avg(annotator, node: exp.Avg) -> exp.Avg:
    argument = node.this.type
    if argument is not None and argument.this in exp.DataType.INTEGER_TYPES:
        annotator._set_type(node, exp.DataType.build("BIGINT"))
    elif argument is not None and argument.this == exp.DataType.Type.DECIMAL:
        annotator._set_type(node, argument.copy())
    else:
        annotator._set_type(node, exp.DataType.build("DOUBLE"))
    return node
