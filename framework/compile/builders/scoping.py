"""A build restricted to the keys its inputs' changes affect (key paths: framework/sql/lineage.py).

The scoped variant of a build step:

1. `__affected_<m>`: the union, over the model's inputs, of the keys each input's changed rows
   lead to along its key path. A source's changed rows are those of the files loaded after the
   model's last build (`file_ledger.load_seq > $since_<source>`); a model input's are the rows of
   the keys its later builds rewrote (`model_changes.build_seq > $since_<model>`).
2. The model's own build (merge, delete+insert, SCD1, SCD2) on its SELECT filtered to those
   keys: every row of an affected key is recomputed from all of its inputs, so the rows written
   equal what a whole rebuild writes for them, and no other row is touched.
3. The keys are recorded in `model_changes` for the models downstream, and the model's checks
   that are per key audit only those keys' rows (`scoped_checks`; `--full-checks` audits all).

A path starts from a column of the changed rows. Where that column is not the input's own key,
the row may have moved (an order corrected to another customer): its new value leads to the key
it joined, only its old value to the key it left. So the values such a column held before are
kept in `changed_values` — a staging row's when an upsert replaces it with another value, a
model row's before and after each scoped build (`value_columns`) — and a path starts from them
too. A model input's path then reads that small table instead of scanning the model's.

The runner chooses between this and the whole build (framework/run/step_runners.py): a first
build, a changed definition, `--full`, a snapshot input that changed, an input without a key
path that changed, or an upstream model rebuilt whole all take the whole build, and say why.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from sqlglot import exp

from framework.compile.builders.changed_values import CHANGED_VALUES, changed_value_row
from framework.compile.builders.checks import CompiledCheck
from framework.compile.builders.models import src_name, writes_staged_rows
from framework.compile.builders.staging import stored_columns
from framework.compile.naming import Naming
from framework.compile.statements import Statement, record, report, run
from framework.spec import model as m
from framework.spec.bookkeeping import LOAD_SEQ
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import since_param
from framework.sql.lineage import Hop, KeyPath, KeyScope

KEY = "__k"


def _in(value: exp.Expression, query: exp.Select) -> exp.In:
    return exp.In(this=value, query=exp.Subquery(this=query))


def affected_name(spec: m.ModelSpec | str) -> str:
    return f"__affected_{spec if isinstance(spec, str) else spec.name}"


def scoped_query(query: exp.Query, scope: KeyScope, model: str) -> exp.Select:
    """The model's SELECT, only the rows of affected keys: filtered as a whole (what makes it
    right), and the filter also pushed to where the key is read (what makes it cheap)."""
    names = query.named_selects

    def affected() -> exp.Select:
        return _affected(model)

    if isinstance(query, exp.Select):
        _push_filters(query, scope.column, affected)
    return (
        q.select(*q.cols(names, "__m"))
        .from_(q.subquery(query, "__m"))
        .where(_in(q.col(scope.column, "__m"), affected()))
    )


def _push_filters(root: exp.Select, key: str, affected) -> None:
    """`col IN (affected keys)` on the key's own column in the outer SELECT; and each CTE the
    outer SELECT joins by an equality with the key's relation `R` is restricted to the rows that
    can meet R's surviving rows — `x IN (affected keys)` when R's side of the equality is the key
    column, else `x IN (SELECT R.y FROM R WHERE key IN affected)` (a semi-join reduction, e.g. a
    lookup aggregated by zip code, restricted to the zip codes of the affected persons). Only
    where a row of the CTE depends on rows with its own `x` alone (`_push_into`)."""
    projected = next((p.unalias() for p in root.selects if p.alias_or_name == key), None)
    if not isinstance(projected, exp.Column) or not projected.table:
        return
    # a CTE read in more than one place keeps all its rows unless every reader asks for the
    # same restriction (`_Pushes.shared`): another reader may need them
    reads = Counter(t.name for t in root.find_all(exp.Table) if not t.db)
    bodies = {cte.alias_or_name: cte.this for cte in root.ctes}
    ctes = _Pushes({name: body for name, body in bodies.items() if reads[name] == 1}, bodies, root)
    relation = _relation(root, projected.table)
    if root.args.get("group") is None:
        if _windows_by(root, projected):
            root.where(_in(projected.copy(), affected()), copy=False)
        elif relation is not None and (partition := _common_partition(root, projected.table)) is not None:
            # windows over another column of the key's relation: whole partitions, those of the
            # affected keys (what the key paths reached: every key of those partitions)
            reached = _reached(relation, bodies, partition.name, projected.name, affected)
            if reached is not None:
                root.where(_in_partitions(partition, reached), copy=False)
    own = ctes.get(relation.name) if relation is not None else None
    if isinstance(own, exp.Select):  # the CTE the key is read from
        _push_into(own, projected.name, affected, ctes)
    for join in root.args.get("joins") or []:
        on = join.args.get("on")
        for part in on.flatten() if isinstance(on, exp.And) else [on]:
            if not (
                isinstance(part, exp.EQ)
                and isinstance(part.this, exp.Column)
                and isinstance(part.expression, exp.Column)
            ):
                continue
            for mine, theirs in ((part.this, part.expression), (part.expression, part.this)):
                if mine.table != projected.table or theirs.table != join.this.alias_or_name:
                    continue
                cte = ctes.get(join.this.name)
                if not isinstance(cte, exp.Select):
                    continue
                if mine.name == projected.name:
                    _push_into(cte, theirs.name, affected, ctes)
                elif relation is not None and (
                    reached := _reached(relation, bodies, mine.name, projected.name, affected)
                ):
                    _push_into(cte, theirs.name, reached, ctes)
    ctes.shared()


def _windows_by(select: exp.Select, column: exp.Column) -> bool:
    """Whether every window of the SELECT is partitioned by the column: a WHERE on it then keeps
    whole partitions (a window partitioned otherwise would count the rows the WHERE removed)."""
    return all(
        any(isinstance(p, exp.Column) and p.sql() == column.sql() for p in window.args.get("partition_by") or [])
        for window in select.find_all(exp.Window)
        if window.find_ancestor(exp.Select) is select
    )


def _common_partition(select: exp.Select, table: str) -> exp.Column | None:
    """A column of `table` that partitions every window of the SELECT."""
    windows = [w for w in select.find_all(exp.Window) if w.find_ancestor(exp.Select) is select]
    candidates = (
        [p for p in (windows[0].args.get("partition_by") or []) if isinstance(p, exp.Column) and p.table == table]
        if windows
        else []
    )
    return next(
        (
            c
            for c in candidates
            if all(
                any(isinstance(p, exp.Column) and p.sql() == c.sql() for p in w.args.get("partition_by") or [])
                for w in windows
            )
        ),
        None,
    )


class _Pushes(dict):
    """The CTEs read once (name → body), which a push may restrict; and the restrictions asked
    of CTEs read in several places, applied when each place it is read asks for the same one —
    e.g. a join of facts and dimensions that two aggregates read, both grouped by the key."""

    def __init__(self, once: dict[str, exp.Expression], bodies: dict[str, exp.Expression], root: exp.Select):
        super().__init__(once)
        self.bodies = bodies
        self.places = {
            name: {id(t) for t in root.find_all(exp.Table) if not t.db and t.name == name} for name in bodies
        }
        self.asked: dict[str, dict[int, tuple[str, object]]] = {}

    def ask(self, read: exp.Table, column: str, values) -> None:
        """The reader reading the CTE at `read` needs only its rows with `column IN values`."""
        if read.name in self.bodies and read.name not in self:
            self.asked.setdefault(read.name, {})[id(read)] = (column, values)

    def shared(self) -> None:
        done: set[str] = set()
        while pending := [n for n, asks in self.asked.items() if n not in done and set(asks) == self.places[n]]:
            for name in pending:
                done.add(name)
                asks = set(self.asked[name].values())
                body = self.bodies[name]
                if len(asks) == 1 and isinstance(body, exp.Select):
                    ((column, values),) = asks
                    _push_into(body, column, values, self)


def _relation(root: exp.Select, alias: str) -> exp.Table | None:
    """The FROM or JOIN table of the outer SELECT named `alias`."""
    sources = [root.args["from_"].this] if root.args.get("from_") else []
    sources += [j.this for j in root.args.get("joins") or []]
    return next((t for t in sources if isinstance(t, exp.Table) and t.alias_or_name == alias), None)


def _in_partitions(partition: exp.Column, reached) -> exp.Expression:
    """The rows of the partitions `reached` makes values of — the NULL one too: PARTITION BY
    groups NULLs into one partition, which `IN` never matches."""
    values = reached()
    found = q.select(q.lit(1)).from_(q.subquery(values.copy(), "__n")).where(_is_null(q.col(partition.name, "__n")))
    in_null = exp.And(this=_is_null(partition.copy()), expression=q.exists(found))
    return exp.Paren(this=exp.Or(this=_in(partition.copy(), values), expression=in_null))


def _reached(relation: exp.Table, bodies: dict[str, exp.Expression], column: str, key: str, affected):
    """A maker of `SELECT R.column FROM R WHERE R.key IN (affected)`: the values the surviving
    rows of R join by; None when R cannot be read there. A CTE's body is copied rather than
    named (it may be defined after the CTE being restricted), so only one that reads inputs."""
    body = bodies.get(relation.name)
    if body is not None and (
        not isinstance(body, exp.Select) or any(t.name in bodies for t in body.find_all(exp.Table) if not t.db)
    ):
        return None

    def values() -> exp.Select:
        if body is None:
            source: exp.Expression = relation.copy()
            alias = relation.alias_or_name
        else:
            source, alias = q.subquery(body.copy(), "__r"), "__r"
        return q.select(q.col(column, alias)).from_(source).where(_in(q.col(key, alias), affected()))

    return values


def _push_into(cte: exp.Select, column: str, values, ctes: _Pushes) -> bool:
    """Restrict the CTE to `column IN (values)` when each of its rows depends on rows with the
    same value only: it groups by the column (or does not aggregate; DISTINCT counts as grouping
    by every column) and partitions its windows by it; then on into the CTE it reads the column
    from, when that is a plain column of it — there only, when that CTE is all it reads (its
    own filter would compute the values again, to remove nothing). Whether it restricted."""
    source = next((p.unalias() for p in cte.selects if p.alias_or_name == column), None)
    if not isinstance(source, exp.Column):
        return False
    group = cte.args.get("group")
    if group is not None and not any(isinstance(g, exp.Column) and g.sql() == source.sql() for g in group.expressions):
        return False
    if group is None and any(a.find_ancestor(exp.Window) is None for a in cte.find_all(exp.AggFunc)):
        return False  # an aggregate over all its rows
    if cte.args.get("limit") is not None or cte.args.get("offset") is not None:
        return False
    for window in cte.find_all(exp.Window):
        if not any(
            isinstance(p, exp.Column) and p.sql() == source.sql() for p in window.args.get("partition_by") or []
        ):
            return False
    inner = _relation(cte, source.table) if source.table else None
    body = ctes.get(inner.name) if inner is not None else None
    if inner is not None:
        ctes.ask(inner, source.name, values)
    reads_only_it = inner is not None and not cte.args.get("joins") and cte.args["from_"].this is inner
    restricted = isinstance(body, exp.Select) and body is not cte and _push_into(body, source.name, values, ctes)
    if not (restricted and reads_only_it):
        cte.where(_in(source.copy(), values()), copy=False)
    return True


def affected_keys(
    spec: m.ModelSpec,
    scope: KeyScope,
    project: m.Project,
    scopes: dict[str, KeyScope],
    naming: Naming,
    dialect: Dialect,
) -> list[Statement]:
    key_column = next(c for c in spec.columns if c.name == scope.column)
    key_type = dialect.column_type(key_column.portable_type)
    hops = _HopTables(spec.name, dialect.key_path_tables)
    parts = []
    for values in _grouped_values(scope.paths, project, scopes, naming, dialect, hops):
        parts.append(q.select(q.alias(q.cast(q.col("__v"), key_type.copy()), KEY)).from_(q.subquery(values, "__p")))
    if not parts:
        return []
    union: exp.Query = parts[0]
    for part in parts[1:]:
        union = exp.Union(this=union, expression=part, distinct=True)
    keys = (
        q.select(q.col(KEY))
        .distinct()
        .from_(q.subquery(union, "__u"))
        .where(exp.Not(this=exp.Is(this=q.col(KEY), expression=exp.Null())))
    )
    return [
        *hops.statements(),
        run(q.drop_table(affected_name(spec)), "drop a leftover affected-keys table"),
        run(q.create_temp_as(affected_name(spec), keys), "the keys its inputs' changes since its last build affect"),
        *hops.dropped(),
        report(
            q.select(q.alias(exp.Count(this=exp.Star()), "keys_affected")).from_(q.table(affected_name(spec))),
            "keys affected",
        ),
    ]


class _HopTables:
    """The values reaching each hop of a key path, kept in a temporary table before the hop
    reads the input with them (where the dialect asks for it). A planner sizes a join by its estimates, and a filter on a run
    parameter (`load_seq > $since`) is estimated at a fixed share of the table: DuckDB then
    built its hash table on the million-row input and probed it with the day's thousand keys
    (60 ms a hop at factor 10). A table's row count is known: the keys are the build side, and
    their bounds and Bloom filter skip the input's rows that cannot match."""

    def __init__(self, model: str, kept: bool):
        self.model, self.kept = model, kept  # kept: in tables (`Dialect.key_path_tables`), else inline
        self.tables: dict[str, tuple[str, exp.Query]] = {}  # the values' SQL → (table, values)

    def read(self, values: exp.Select) -> exp.Select:
        """The values as a SELECT of the table that holds them (one table per distinct query)."""
        if not self.kept:
            return values
        text = values.sql()
        if text not in self.tables:
            self.tables[text] = (f"__hop_{self.model}_{len(self.tables) + 1}", values)
        return q.select(q.col("__v")).from_(q.table(self.tables[text][0]))

    def statements(self) -> list[Statement]:
        made = []
        for name, values in self.tables.values():
            made.append(run(q.drop_table(name), "drop a leftover table of key-path values"))
            made.append(run(q.create_temp_as(name, values), "the values a hop of a key path reads its input with"))
        return made

    def dropped(self) -> list[Statement]:
        return [run(q.drop_table(name), "drop the key-path values") for name, _ in self.tables.values()]


def recomputed(spec: m.ModelSpec, scope: KeyScope) -> exp.Expression:
    """The condition on a model's rows that a scoped build recomputes: its affected keys'."""
    return _in(q.col(scope.column), _affected(spec))


def audit_name(spec: m.ModelSpec) -> str:
    """The rows a scoped build's checks read: what it staged, when that is what it wrote."""
    return src_name(spec) if writes_staged_rows(spec) else f"__audit_{spec.name}"


def audit_rows(spec: m.ModelSpec, scope: KeyScope, naming: Naming) -> list[Statement]:
    """The rewritten keys' rows, read once for the scoped checks (each would scan the table);
    none to read when the build wrote its staged rows as they are (it kept them)."""
    if writes_staged_rows(spec):
        return []
    rows = q.select(exp.Star()).from_(naming.table_of(spec.name)).where(_in(q.col(scope.column), _affected(spec)))
    return [
        run(q.drop_table(audit_name(spec)), "drop a leftover table of rows to audit"),
        run(q.create_temp_as(audit_name(spec), rows), "the rewritten keys' rows, for the checks"),
    ]


def _affected(spec: m.ModelSpec | str) -> exp.Select:
    return q.select(q.col(KEY)).from_(q.table(affected_name(spec)))


def value_columns(project: m.Project, scopes: dict[str, KeyScope]) -> dict[str, tuple[str, ...]]:
    """Per input, the columns key paths start from that are not its own key: the values its
    changed rows held there before are kept (`changed_values`). A source only when upserted (an
    appended row replaces none; a replaced snapshot rebuilds its readers whole), a model only
    when its builds are scoped (a whole one rebuilds its readers whole)."""
    found: dict[str, list[str]] = {}
    starts = _path_starts(scopes)
    for scope in scopes.values():
        for path in scope.paths:
            spec = project.require(path.input)
            if isinstance(spec, m.SourceSpec):
                own = spec.primary_key if spec.load_mode is m.LoadMode.UPSERT else None
            else:
                column = change_column(path.input, project, scopes, starts)
                own = (column,) if column is not None else None
            if own is None or path.column in own or _column_of(spec, path.column) is None:
                continue
            columns = found.setdefault(path.input, [])
            if path.column not in columns:
                columns.append(path.column)
    return {name: tuple(columns) for name, columns in found.items()}


def _path_starts(scopes: dict[str, KeyScope]) -> set[str]:
    """The inputs some key path starts from."""
    return {path.input for scope in scopes.values() for path in scope.paths}


def change_column(
    name: str, project: m.Project, scopes: dict[str, KeyScope], starts: set[str] | None = None
) -> str | None:
    """The column a model's builds record their changed rows by, for the key paths downstream:
    a scoped model's key; a `table` model's first key column when a path starts from it (its
    whole rebuild then records what it changed, so its readers stay scoped); else None (its
    builds are whole, and so are its readers')."""
    if name in scopes:
        return scopes[name].column
    spec = project.require(name)
    if (
        isinstance(spec, m.ModelSpec)
        and spec.materialization is m.Materialization.TABLE
        and spec.keys.business
        and name in (starts if starts is not None else _path_starts(scopes))
    ):
        return spec.keys.business[0]
    return None


def read_downstream(project: m.Project, scopes: dict[str, KeyScope]) -> dict[str, tuple[str, ...]]:
    """The models a key path downstream starts from and whose changes are known, each with its
    kept columns: their builds record the rows they changed (`record_changed`); nobody reads
    the others' changes."""
    kept = value_columns(project, scopes)
    starts = _path_starts(scopes)
    return {
        name: kept.get(name, ())
        for name in sorted(starts)
        if project.require(name).kind is m.SpecKind.MODEL and change_column(name, project, scopes, starts) is not None
    }


def _column_of(spec: m.SourceSpec | m.ModelSpec, name: str) -> m.Column | None:
    columns = stored_columns(spec) if isinstance(spec, m.SourceSpec) else spec.columns
    return next((c for c in columns if c.name == name), None)


def prior_name(spec: m.ModelSpec) -> str:
    return f"__prior_{spec.name}"


def changed_name(spec: m.ModelSpec) -> str:
    return f"__changed_{spec.name}"


def keep_prior_rows(spec: m.ModelSpec, naming: Naming, scope: KeyScope | None = None) -> list[Statement]:
    """Before the build: the rows it may rewrite as they were, to tell which it changed — the
    affected keys' (a scoped build) or all (a `table` model's whole rebuild)."""
    rows = q.select(*q.cols([c.name for c in spec.columns])).from_(naming.table_of(spec.name))
    if scope is not None:
        rows = rows.where(_in(q.col(scope.column), _affected(spec)))
    return [
        run(q.drop_table(prior_name(spec)), "drop a leftover table of rows before the build"),
        run(q.create_temp_as(prior_name(spec), rows), "the rows it may rewrite, before the build"),
    ]


def record_changed(
    spec: m.ModelSpec, key: str, kept: tuple[str, ...], naming: Naming, dialect: Dialect, *, scoped: bool = True
) -> list[Statement]:
    """After the build: the rows it changed — before and after, each row that is not among the
    other's — and for the readers downstream their keys (`model_changes`) and the values of
    `kept` columns (`changed_values`). A key recomputed to the same rows is no change: feeds
    re-send unchanged rows all the time, and nothing downstream recomputes for them."""
    columns = [c.name for c in spec.columns]

    def rows(table: str | exp.Table) -> exp.Select:
        return q.select(*q.cols(columns)).from_(q.table(table) if isinstance(table, str) else table.copy())

    # after the build: the affected keys' rows (read for the checks, or what it staged and wrote
    # as they are: the build left them exactly those), or the whole table
    before, after = prior_name(spec), (audit_name(spec) if scoped else naming.table_of(spec.name))

    def missing_from(table: exp.Select, other: exp.Select, alias: str) -> exp.Select:
        # a subquery each: set operations chain left to right, and the union must not bind first
        return q.select(exp.Star()).from_(q.subquery(exp.Except(this=table, expression=other, distinct=True), alias))

    changed = exp.Union(
        this=missing_from(rows(before), rows(after), "__gone"),
        expression=missing_from(rows(after), rows(before), "__new"),
        distinct=False,
    )
    changed_rows = q.select(exp.Star()).from_(q.subquery(changed, "__d"))
    keys = (
        q.select(
            dialect.placeholder("pipeline"),
            q.lit(spec.name),
            dialect.placeholder("build_seq"),
            q.cast(q.col(key), dialect.text_type),
        )
        .distinct()
        .from_(q.table(changed_name(spec)))
    )
    statements = [
        run(q.drop_table(changed_name(spec)), "drop a leftover table of changed rows"),
        run(q.create_temp_as(changed_name(spec), changed_rows), "the rows the build changed, before and after"),
        report(
            q.select(q.alias(exp.Count(this=exp.Distinct(expressions=[q.col(key)])), "keys_changed")).from_(
                q.table(changed_name(spec))
            ),
            "keys whose rows changed",
        ),
        report(
            q.select(q.alias(exp.Count(this=exp.Star()), "keys_lost")).from_(
                q.subquery(
                    exp.Except(
                        this=q.select(q.col(key)).from_(q.table(before)),
                        expression=q.select(q.col(key)).from_(
                            q.table(after) if isinstance(after, str) else after.copy()
                        ),
                        distinct=True,
                    ),
                    "__lost",
                )
            ),
            "keys it had before and has no row of after",
        ),
        record(
            q.insert_select(naming.internal("model_changes"), ["pipeline", "model", "build_seq", "key"], keys),
            "record the keys whose rows this build changed",
        ),
    ]
    for column in kept:
        values = (
            q.select(*changed_value_row(spec.name, "build_seq", column, q.col(column), dialect))
            .distinct()
            .from_(q.table(changed_name(spec)))
        )  # NULL too: a window partitioned by the column has a NULL partition
        statements.append(
            record(
                q.insert_select(naming.internal("changed_values"), list(CHANGED_VALUES), values),
                f"keep the {column} of the changed rows, before and after",
            )
        )
    return statements


def _changed_rows(
    name: str, column: str, project: m.Project, scopes: dict[str, KeyScope], naming: Naming, dialect: Dialect
) -> exp.Query | None:
    """`column` of the rows of input `name` that changed since the model's last build, and the
    values they held there before (`value_columns`)."""
    spec = project.require(name)
    since = exp.GT(
        this=q.col(LOAD_SEQ.name if spec.kind is m.SpecKind.SOURCE else "build_seq"),
        expression=dialect.placeholder(since_param(name)),
    )
    pipeline = exp.EQ(this=q.col("pipeline"), expression=dialect.placeholder("pipeline"))
    kept = value_columns(project, scopes).get(name, ())
    if isinstance(spec, m.SourceSpec):  # rows the loads after it wrote (a constant bound: zone maps skip the rest)
        rows = q.select(q.alias(q.col(column), "__v")).from_(naming.table_of(name)).where(since)
        return (
            exp.Union(this=rows, expression=_kept_values(spec, column, naming, dialect), distinct=True)
            if column in kept
            else rows
        )
    recorded_by = change_column(name, project, scopes)
    if recorded_by is None:  # its builds are whole: the runner rebuilds this model whole when it changed
        return None
    if column in kept:
        return _kept_values(spec, column, naming, dialect)
    own = _column_of(spec, column)
    keys = q.and_all([pipeline, exp.EQ(this=q.col("model"), expression=q.lit(name)), since])
    if column == recorded_by and own is not None:  # the changed keys themselves
        value = q.cast(q.col("key"), dialect.column_type(own.portable_type))
        return q.select(q.alias(value, "__v")).from_(naming.internal("model_changes")).where(keys)
    rewritten = _in(
        q.cast(q.col(recorded_by), dialect.text_type),
        q.select(q.col("key")).from_(naming.internal("model_changes")).where(keys),
    )
    return q.select(q.alias(q.col(column), "__v")).from_(naming.table_of(name)).where(rewritten)


def _kept_values(spec: m.SourceSpec | m.ModelSpec, column: str, naming: Naming, dialect: Dialect) -> exp.Select:
    own = _column_of(spec, column)
    assert own is not None, "value_columns keeps only columns of the input"
    where = q.and_all(
        [
            exp.EQ(this=q.col("pipeline"), expression=dialect.placeholder("pipeline")),
            exp.EQ(this=q.col("relation"), expression=q.lit(spec.name)),
            exp.EQ(this=q.col("column_name"), expression=q.lit(column)),
            exp.GT(this=q.col("seq"), expression=dialect.placeholder(since_param(spec.name))),
        ]
    )
    value = q.cast(q.col("value"), dialect.column_type(own.portable_type))
    return q.select(q.alias(value, "__v")).from_(naming.internal("changed_values")).where(where)


def _grouped_values(
    paths: tuple[KeyPath, ...],
    project: m.Project,
    scopes: dict[str, KeyScope],
    naming: Naming,
    dialect: Dialect,
    hops: _HopTables,
) -> list[exp.Query]:
    """The key values of every path, paths ending in the same hop sharing it: the union of what
    reaches that hop, joined once (several changed inputs reaching dim_customer through facts
    scan it once, not once each)."""
    by_last_hop: dict[Hop | None, list[KeyPath]] = {}
    for path in paths:
        by_last_hop.setdefault(path.hops[-1] if path.hops else None, []).append(path)
    found = []
    for last, group in by_last_hop.items():
        if last is None or len(group) == 1:
            found += [v for p in group if (v := _path_values(p, project, scopes, naming, dialect, hops)) is not None]
            continue
        reaching = [
            _path_values(dataclasses.replace(p, hops=p.hops[:-1]), project, scopes, naming, dialect, hops)
            for p in group
        ]
        known = [v for v in reaching if v is not None]  # None: an input rebuilt whole (the runner's case)
        if known:
            union: exp.Query = known[0]
            for more in known[1:]:
                union = exp.Union(this=union, expression=more, distinct=True)
            found.append(_hop(union, last, naming, hops))
    return found


def _hop(found: exp.Query, hop: Hop, naming: Naming, hops: _HopTables) -> exp.Select:
    reached = hops.read(q.select(q.col("__v")).from_(q.subquery(found, "__h")))
    matches: exp.Expression = _in(q.col(hop.match), reached)
    if hop.null_safe:  # a NULL partition value reaches the NULL partition's rows
        null_reached = q.exists(
            q.select(q.lit(1)).from_(q.subquery(reached.copy(), "__n")).where(_is_null(q.col("__v")))
        )
        matches = exp.Or(this=matches, expression=exp.And(this=_is_null(q.col(hop.match)), expression=null_reached))
    return q.select(q.alias(q.col(hop.carry), "__v")).from_(naming.table_of(hop.input)).where(matches)


def _is_null(value: exp.Expression) -> exp.Is:
    return exp.Is(this=value, expression=exp.Null())


def _path_values(
    path: KeyPath,
    project: m.Project,
    scopes: dict[str, KeyScope],
    naming: Naming,
    dialect: Dialect,
    hops: _HopTables,
) -> exp.Query | None:
    values = _changed_rows(path.input, path.column, project, scopes, naming, dialect)
    for hop in path.hops:
        if values is None:
            return None
        values = _hop(values, hop, naming, hops)
    return values


def scoped_checks(
    checks: list[CompiledCheck], spec: m.ModelSpec, scope: KeyScope, naming: Naming
) -> list[CompiledCheck]:
    """After a scoped build, a check whose failing rows belong to single keys (a row-level check,
    or one grouped or windowed by the key) looks only at the rewritten keys' rows; a unique check
    on other columns looks at the table's rows sharing a value with them (a duplicate a build
    makes holds a row it wrote); the others (a minimum row count, a window over other columns)
    still read the whole table."""
    table = naming.table_of(spec.name)
    scoped = []
    for check in checks:
        if _per_key(check.failing_rows, scope.column):
            scoped.append(_scoped_check(check, table, spec))
        elif check.unique:
            scoped.append(_unique_among_rewritten(check, spec))
        else:
            scoped.append(check)
    return scoped


def _unique_among_rewritten(check: CompiledCheck, spec: m.ModelSpec) -> CompiledCheck:
    """The unique check on the rows holding a value of its columns that a rewritten row holds.
    A duplicate group with a rewritten row in it shares that row's non-NULL values (a group's
    rows are equal in every column, and a row whose columns are all NULL is no duplicate), so
    each column's values are looked up separately: a NULL in one column does not hide the
    group. Rows matched through one column only fall in groups of their own, which the whole
    check would report as well."""
    rewritten: list[exp.Expression] = [
        _in(q.col(column), q.select(q.col(column)).from_(q.table(audit_name(spec)))) for column in check.unique
    ]
    narrowed = check.failing_rows.copy()
    assert isinstance(narrowed, exp.Select), "a unique check is one grouped SELECT"
    return dataclasses.replace(check, failing_rows=narrowed.where(exp.Paren(this=q.or_all(rewritten))))


def _per_key(query: exp.Query, key: str) -> bool:
    for group in query.find_all(exp.Group):
        if not any(isinstance(e, exp.Column) and e.name == key for e in group.expressions):
            return False
    for window in query.find_all(exp.Window):
        if not any(isinstance(e, exp.Column) and e.name == key for e in window.args.get("partition_by") or []):
            return False
    grouped = query.find(exp.Group) is not None
    return grouped or all(a.find_ancestor(exp.Window) is not None for a in query.find_all(exp.AggFunc))


def _scoped_check(check: CompiledCheck, table: exp.Table, spec: m.ModelSpec) -> CompiledCheck:
    """The check on the rows `audit_rows` kept (a temporary table of the build's session)."""

    def narrow(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == table.name and node.db == table.db:
            return q.subquery(q.select(exp.Star()).from_(q.table(audit_name(spec))), node.alias_or_name)
        return node

    narrowed = check.failing_rows.transform(narrow)
    assert isinstance(narrowed, exp.Query), "only tables are replaced, never the query itself"
    return dataclasses.replace(check, failing_rows=narrowed)
