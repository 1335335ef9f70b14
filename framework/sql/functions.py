"""The Redshift functions a model may call, and the calls lint refuses (E409).

The catalogue (`redshift_functions.tsv`, beside this file) lists each function Redshift has
that a model may use — name, number of arguments, result family, the AWS reference page. A
call is checked by the name *as written*: sqlglot parses many names into typed nodes (and
reads DuckDB's or PostgreSQL's own names, e.g. MAKE_DATE, as if they were portable), so the
name is recovered from the SQL text at the node's position. Calls written without a name
(CAST(… AS …), CASE, EXTRACT(… FROM …)) are syntax, not calls, and are not looked up.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from sqlglot import exp

CATALOGUE_FILE = "redshift_functions.tsv"
AWS_REFERENCE = "https://docs.aws.amazon.com/redshift/latest/dg/{page}.html"


@dataclass(frozen=True)
class RedshiftFunction:
    name: str
    min_args: int
    max_args: int | None  # None: any number from min_args
    returns: str  # a type family (number, text, time, boolean), `same` (as its argument) or `clock`
    page: str  # the AWS reference page

    @property
    def arity(self) -> str:
        if self.max_args is None:
            return f"{self.min_args} or more arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"

    def accepts(self, count: int) -> bool:
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)


@dataclass(frozen=True)
class FunctionProblem:
    node: exp.Func
    message: str
    hint: str = ""


@functools.cache
def catalogue() -> dict[str, RedshiftFunction]:
    text = resources.files("framework.sql").joinpath(CATALOGUE_FILE).read_text("utf-8")
    found = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, args, returns, page = line.split("\t")
        low, _, high = args.partition("-")
        variadic = args.endswith("+")
        minimum = int(low.rstrip("+"))
        maximum = None if variadic else int(high or low)
        found[name] = RedshiftFunction(name, minimum, maximum, returns, page)
    return found


def function_problems(tree: exp.Expr, text: str) -> list[FunctionProblem]:
    """Every call of a function Redshift does not have, or with a number of arguments it does
    not take. `text` is the SQL the tree was parsed from (node positions point into it)."""
    from framework.diagnostics import did_you_mean
    from framework.sql.surface import written_name

    known = catalogue()
    problems = []
    for node in tree.find_all(exp.Func):
        if "start" not in node.meta:  # syntax, not a call by name (CAST(… AS …), CASE, EXTRACT(… FROM …))
            continue
        name = written_name(node, text)
        entry = known.get(name.upper())
        if entry is None:
            problems.append(
                FunctionProblem(
                    node,
                    f"Redshift has no function {name.upper()}: model SQL is Redshift SQL, and what runs "
                    "locally must run in production",
                    did_you_mean(name.upper(), list(known))
                    or "See the functions Redshift has in framework/sql/redshift_functions.tsv.",
                )
            )
        elif entry.returns == "clock":
            problems.append(
                FunctionProblem(
                    node,
                    f"{entry.name} depends on when the model runs: the same data must give the same rows",
                    "Use a value of the data instead: for a date, one the data holds (the latest date of a "
                    "column, or a source's ingest column _batch_date); for a sample, a hash of a key.",
                )
            )
        elif isinstance(node, exp.Anonymous) and not entry.accepts(len(node.expressions)):
            problems.append(
                FunctionProblem(
                    node,
                    f"{entry.name} takes {entry.arity}, not {len(node.expressions)}",
                    f"See {AWS_REFERENCE.format(page=entry.page)}",
                )
            )
    return problems


@dataclass(frozen=True)
class ConstructProblem:
    node: exp.Expr
    message: str
    hint: str


def construct_problems(tree: exp.Expr) -> list[ConstructProblem]:
    """Constructs Redshift's SQL lacks that DuckDB and PostgreSQL run: an aggregate's FILTER
    clause (AWS "Aggregate functions": none takes one) and LATERAL (AWS "FROM clause": a table
    reference is a table, a subquery, a join, PIVOT/UNPIVOT or UNNEST)."""
    found = [
        ConstructProblem(
            node,
            "Redshift has no FILTER (WHERE …) clause on an aggregate",
            "Put the condition in the aggregate: SUM(CASE WHEN … THEN x END), COUNT(CASE WHEN … THEN 1 END).",
        )
        for node in tree.find_all(exp.Filter)
    ]
    found += [
        ConstructProblem(
            node,
            "Redshift has no LATERAL subqueries",
            "Join a subquery grouped by the join key, or use a correlated scalar subquery in the select list.",
        )
        for node in tree.find_all(exp.Lateral)
    ]
    found += [problem for node in tree.find_all(exp.Window) if (problem := _frame_problem(node))]
    # Redshift's arrays and objects are SUPER values, a type no spec column has: a DuckDB list
    # `[v][1]` was compiled as Redshift's 0-based subscript and read NULL; `{'a': v}` or a Jinja
    # `{{ v }}` left in the SQL became STRUCT(...), which no warehouse here has (round 54)
    found += [
        ConstructProblem(
            node,
            "Redshift has no array or struct literals and no subscripts outside SUPER values, which no spec "
            "column holds",
            "Write the value itself (a `{{ … }}` is a template left in the SQL: the framework does not expand it).",
        )
        for node in tree.find_all(exp.Array, exp.Struct, exp.Bracket, exp.Map, exp.VarMap)
        if not isinstance(node.parent, (exp.Array, exp.Struct, exp.Bracket, exp.Map, exp.VarMap))
    ]
    found += [
        ConstructProblem(
            node,
            "Redshift's SPLIT_PART counts parts from 1: a position below 1 is an error there (AWS \"SPLIT_PART "
            'function": "Must be an integer greater than 0"), where DuckDB and PostgreSQL count from the end',
            "Count parts from 1; the last part of s split by ',' is SPLIT_PART(s, ',', REGEXP_COUNT(s, ',') + 1).",
        )
        for node in tree.find_all(exp.SplitPart)
        if _literal_below_one(node.args.get("part_index"))
    ]
    return found


# The window functions whose frame Redshift asks for when they are ordered (AWS, e.g. "SUM window
# function": "If an ORDER BY clause is used for an aggregate function, an explicit frame clause
# is required"); the ranking functions, LAG/LEAD and the percentiles take no frame.
_FRAMED = (
    exp.Sum,
    exp.Avg,
    exp.Count,
    exp.Min,
    exp.Max,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.VariancePop,
    exp.FirstValue,
    exp.LastValue,
    exp.NthValue,
)


def _literal_below_one(node: exp.Expression | None) -> bool:
    if isinstance(node, exp.Neg):
        return isinstance(node.this, exp.Literal) and not node.this.is_string
    return isinstance(node, exp.Literal) and not node.is_string and float(node.this) < 1


def _frame_problem(window: exp.Window) -> ConstructProblem | None:
    """A window Redshift refuses (AWS "Window function syntax summary": the frame is ROWS …, and
    an ordered aggregate needs one), which DuckDB and PostgreSQL would run with their default
    frame, RANGE … CURRENT ROW: ties summed together."""
    spec = window.args.get("spec")
    function = window.this.this if isinstance(window.this, (exp.IgnoreNulls, exp.RespectNulls)) else window.this
    if spec is not None and str(spec.args.get("kind") or "").upper() != "ROWS":
        return ConstructProblem(
            window,
            f"Redshift's window frames are ROWS only, not {str(spec.args.get('kind')).upper()}",
            "Write ROWS BETWEEN … (for a running total: ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW).",
        )
    if spec is None and window.args.get("order") is not None and isinstance(function, _FRAMED):
        name = function.sql_name() if not isinstance(function, exp.Anonymous) else function.name
        return ConstructProblem(
            window,
            f"Redshift needs a frame clause for an ordered {name.upper()} window (AWS: an explicit frame clause "
            "is required), and the engines' default frame (RANGE … CURRENT ROW) counts tied rows together",
            "Add ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (a running value), or ROWS BETWEEN UNBOUNDED "
            "PRECEDING AND UNBOUNDED FOLLOWING (the whole partition).",
        )
    return None
