"""Which of a model's keys a change in one of its inputs can affect, read from its SELECT.

The equality conditions of the SELECT's joins and filters (`a.x = b.y`, in every CTE and
subquery) put columns into classes of equal values; a CTE's column that is a plain column of
its own input is that column. A model's output key column (its *scope*) belongs to one class.
For each input, a *key path* says how to turn that input's changed rows into affected keys:

    orders        → orders.order_id                                 (its own column is the key)
    customers     → customers.customer_id = orders.customer_id → orders.order_id
    dim_customer  → dim_customer.customer_unique_id = customers.customer_unique_id
                    → customers.customer_id = orders.customer_id → orders.order_id

An input with no such path (joined on a non-equality, cross-joined, or only aggregated as a
whole) has no key path: a change in it affects every key, and the model is rebuilt whole.

Rows of an input only ever reach an output row through these equalities, so the keys a path
finds from the input's *new* rows are every key those rows can change. What a path cannot see
is a row whose join column an upsert changed (its old value is gone): the key it left is not
revisited. The README says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from framework.errors import CompileError
from framework.spec import model as m

if TYPE_CHECKING:  # the manifest (and so a DAG file) imports the dataclasses here: no sqlglot at import
    from sqlglot import exp


@dataclass(frozen=True)
class Hop:
    """From the rows found so far (values of `via`), the rows of `input` whose `match` column
    holds one of them; carry on with its `carry` column."""

    input: str
    match: str
    carry: str
    # a window's partition: NULL is one partition (PARTITION BY groups NULLs), so a NULL found
    # reaches the rows whose `match` is NULL; a join's equality never matches NULL
    null_safe: bool = False


@dataclass(frozen=True)
class KeyPath:
    """Changed rows of `input` → the model's affected keys: take `column` of its changed rows,
    then follow `hops` (each a semi-join), the last carried column being the model's key."""

    input: str
    column: str
    hops: tuple[Hop, ...] = ()


@dataclass(frozen=True)
class KeyScope:
    """The model's key column its builds can be restricted to, and a path for each input."""

    column: str
    paths: tuple[KeyPath, ...]
    missing: tuple[str, ...] = ()  # inputs without a path: a change in one rebuilds the model whole
    unsound: str = ""  # why no path is sound for this SELECT (then there are none)
    # missing inputs read in several places, some with a path: the read without one combines
    # other keys' rows (an aggregate of the input joined back by an expression), which no
    # declared column describes (keys_from names one column for every read)
    partial: tuple[str, ...] = ()

    def path(self, name: str) -> KeyPath | None:
        return next((p for p in self.paths if p.input == name), None)


# ("input", spec, column, read) — `read` tells apart the places the SQL reads the input, whose
# rows differ (a self-join, an aggregate of the same input joined back) — or ("derived", scope
# id, column, "")
Node = tuple[str, str, str, str]
_MAX_INLINED_NODES = 200_000
# why no key path is sound, when no key column comes straight from an input column
SET_OPERATION = "a branch of the SELECT's set operation (UNION, …) has no key column read straight from an input"
COMPUTED_KEY = (
    "no key column is a plain column of an input"  # CTEs referenced so often that copying each reference costs more
)


class _Classes:
    """Union-find over column nodes."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, node: Node) -> Node:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: Node, b: Node) -> None:
        self.parent[self.find(a)] = self.find(b)

    def members(self, node: Node) -> list[Node]:
        root = self.find(node)
        return [n for n in list(self.parent) if self.find(n) == root]


def key_scope(query: exp.Query, keys: tuple[str, ...], inputs: tuple[str, ...]) -> KeyScope | None:
    """The best key column to scope builds by (the one most inputs reach), or None when no key
    column comes straight from an input column. Every place the SELECT reads an input needs a
    path of its own: its rows reach output rows their own way (an input read twice — joined
    back through an aggregate of itself, or in a subquery — changes keys the other read's
    path does not find)."""
    from sqlglot import exp
    from sqlglot.optimizer.scope import traverse_scope

    try:
        query = _inlined(query)
    except _TooLarge:
        return KeyScope(keys[0], (), inputs, "its CTEs are read in too many places to follow") if keys else None
    classes = _Classes()
    scopes = list(traverse_scope(query))
    if not scopes:
        return None
    by_expression = {id(scope.expression): scope for scope in scopes}
    for scope in scopes:
        for left, right in _equal_pairs(scope, by_expression):
            if left and right:
                classes.union(left, right)
    reads = {_read(t): t.name for t in query.find_all(exp.Table) if t.name in inputs}
    outputs: dict[str, Node] = {}
    root = scopes[-1]
    if not isinstance(root.expression, exp.Select):
        return None  # a set operation at the top: its rows come from several selects
    for projection in root.expression.selects:
        inner = projection.unalias()
        node = _resolve(root, inner) if isinstance(inner, exp.Column) else None
        if node:
            outputs[projection.alias_or_name] = node
    best: KeyScope | None = None
    for key in keys:
        if key not in outputs:
            continue
        unsound, around = _unkeyed(scopes, classes, outputs[key])
        if unsound:
            return KeyScope(key, (), inputs, unsound)
        paths: list[KeyPath] = []
        missing, partial = [], []
        for name in inputs:
            found = [_path(classes, outputs[key], name, read, inputs) for read, of in reads.items() if of == name]
            if not found or any(p is None for p in found):
                missing.append(name)
                if any(p is not None for p in found):
                    partial.append(name)
                continue
            paths += [p for p in dict.fromkeys(found) if p is not None and p not in paths]
        candidate = KeyScope(key, tuple(_with_partitions(paths, around)), tuple(missing), partial=tuple(partial))
        if best is None or len(candidate.missing) < len(best.missing):
            best = candidate
    return best


def _with_partitions(paths: list[KeyPath], around: list[tuple[Hop, Hop]]) -> list[KeyPath]:
    """Each path, and each path on to the keys of its keys' partitions (hops in pairs: key →
    partition value → keys); and from a changed row's partition value straight to its keys (so
    the partition a row left is found too: its value there is kept, like any path's start)."""
    found = list(paths)
    for to_partition, to_keys in around:
        found += [KeyPath(p.input, p.column, (*p.hops, to_partition, to_keys)) for p in paths]
        found.append(KeyPath(to_keys.input, to_keys.match, (to_keys,)))
    return list(dict.fromkeys(found))


class _TooLarge(CompileError):
    """The CTEs, each reference copied, would make a tree too large to trace (caught: whole builds)."""


def _read(table: exp.Table) -> str:
    return str(id(table))


def _inlined(query: exp.Query) -> exp.Query:
    """A copy of the query in which each reference of a CTE is a subquery of its own (with the
    reference's alias): the lineage of two references is then two lineages, as their rows are."""
    from sqlglot import exp

    copied = [0]

    def expand(node: exp.Expr, env: dict[str, exp.Expr]) -> exp.Expr:
        with_ = node.args.get("with_") if isinstance(node, exp.Query) else None
        if with_ is not None:
            env = dict(env)
            for cte in with_.expressions:
                env[cte.alias_or_name] = expand(cte.this, env)
            node.set("with_", None)

        def replace(found: exp.Expr) -> exp.Expr:
            if isinstance(found, exp.Table) and not found.args.get("db") and found.name in env:
                body = env[found.name].copy()
                copied[0] += sum(1 for _ in body.walk())
                if copied[0] > _MAX_INLINED_NODES:
                    raise _TooLarge
                return exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(found.alias_or_name)))
            if found is not node and isinstance(found, exp.Query) and found.args.get("with_") is not None:
                return expand(found, env)
            return found

        return node.transform(replace, copy=False)

    expanded = expand(query.copy(), {})
    assert isinstance(expanded, exp.Query), "only tables are replaced, never the query itself"
    return expanded


def _equal_pairs(scope, by_expression: dict):
    """Pairs of nodes equal on every row the scope produces: its column equalities, and
    `x IN (SELECT y …)` — the subquery's rows that matter are those whose y is x."""
    from sqlglot import exp

    for condition in _equalities(scope.expression):
        yield _resolve(scope, condition.this), _resolve(scope, condition.expression)
    where = scope.expression.args.get("where") if isinstance(scope.expression, exp.Select) else None
    for part in _conjuncts(where.this if where is not None else None):
        query = part.args.get("query") if isinstance(part, exp.In) else None
        inner = query.this if isinstance(query, exp.Subquery) else query
        sub = by_expression.get(id(inner))
        if isinstance(inner, exp.Select) and sub is not None and len(inner.selects) == 1:
            projected = inner.selects[0].unalias()
            yield _resolve(scope, part.this), _resolve(sub, projected) if isinstance(projected, exp.Column) else None


WINDOWS = "windows partitioned by different columns reach each other's partitions without bound"
NOT_IN = "NOT IN over a subquery is unknown for every row once the subquery returns one NULL"


def _unkeyed(scopes, classes: _Classes, key: Node) -> tuple[str, list[tuple[Hop, Hop]]]:
    """Whether a row could change an output row whose key no equality leads to: a join without a
    column equality (a cross join, ON TRUE), an aggregate over all rows (no GROUP BY, e.g. a global
    MAX cross-joined to every row), a window (in the select list or QUALIFY) not partitioned by the
    key nor by a column of a read that holds the key, or a LIMIT. Then no key path is sound, and
    the model is rebuilt whole ('' when there is none). A window partitioned by another column of
    a read holding the key (the nth order of a customer, in a fact keyed by order) makes the keys
    of a partition affect each other: the hops from a key to its partition's keys come second.
    A partition column from the side of an outer join of the window's own SELECT that may find no
    match is no partition by anything: its rows without a match share its NULL partition."""
    from sqlglot import exp

    key_class = classes.find(key)
    # per window partitioned otherwise than by the key: the hops its partition columns offer
    offered: list[tuple[str, list[tuple[Hop, Hop]]]] = []
    expanded_in: set[int] = set()  # the scopes whose windows expand keys to their partitions
    for scope in scopes:
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        if select.args.get("limit") is not None or select.args.get("offset") is not None:
            return "a LIMIT keeps rows by their rank among all of them", []
        where = select.args.get("where")
        for join in select.args.get("joins") or []:
            on = join.args.get("on")
            # a join without ON (`FROM a, b WHERE b.x = a.x`) is matched by its WHERE's equalities
            parts = _conjuncts(on if on is not None or join.args.get("using") else where.this if where else None)
            if join.args.get("using"):
                continue  # USING: equalities of same-named columns
            if not any(_matches(p, join.this.alias_or_name) for p in parts):
                return f"the join of {join.this.sql()} has no column equality", []
        for negated in _own(select, exp.Not):
            if isinstance(negated.this, exp.In) and negated.this.args.get("query") is not None:
                return f"{NOT_IN} ({negated.sql()})", []
        grouped = select.args.get("group") is not None
        for aggregate in _own(select, exp.AggFunc):
            if not grouped and aggregate.find_ancestor(exp.Window) is None:
                if scope.is_correlated_subquery:  # (SELECT COUNT(*) FROM l WHERE l.k = o.k): per row of another read
                    shown = select.sql()
                    shown = shown if len(shown) <= 60 else shown[:57] + "…"
                    return (
                        f"the scalar subquery ({shown}) is not traced to the key (write it as a LEFT JOIN to a "
                        "subquery grouped by the correlated column)",
                        [],
                    )
                return f"{aggregate.sql()} aggregates over all rows", []
        nullable = _nullable_sides(select)
        for window in _own(select, exp.Window):
            partition = [
                _resolve(scope, c)
                for c in window.args.get("partition_by") or []
                if not (isinstance(c, exp.Column) and c.table in nullable)
            ]
            if any(n is not None and classes.find(n) == key_class for n in partition):
                continue
            hops = [h for n in partition if (h := _partition_hops(classes, key_class, n)) is not None]
            if not hops:
                return f"{window.sql()} is not partitioned by the key", []
            spelled = ", ".join(c.sql() for c in window.args.get("partition_by") or [])
            offered.append((spelled, hops))
            expanded_in.add(id(scope))
    if len(expanded_in) > 1:  # a window over another window's rows: partitions of partitions, unbounded
        return "windows partitioned by other columns read each other's rows (a window over a window)", []
    # The keys of a partition are closed over once, by one column every such window partitions
    # by (a window by (a, b) is within a's partitions). Windows by different columns would need
    # the closure again and again: a member's loans lead to their books' loans, to those loans'
    # members' loans, and on; a build scoped to fewer keys computes windows on partial partitions.
    shared = [h for h in offered[0][1] if all(h in hops for _, hops in offered)] if offered else []
    if offered and not shared:
        partitions = "; ".join(dict.fromkeys(spelled for spelled, _ in offered))
        return f"{WINDOWS} (PARTITION BY {partitions})", []
    return "", shared[:1]


def _nullable_sides(select: exp.Select) -> set[str]:
    """The aliases of the relations an outer join of this SELECT may extend with NULLs."""
    sources = [select.args["from_"].this] if select.args.get("from_") else []
    nullable: set[str] = set()
    for join in select.args.get("joins") or []:
        side = (join.args.get("side") or "").upper()
        if side in ("LEFT", "FULL"):
            nullable.add(join.this.alias_or_name)
        if side in ("RIGHT", "FULL"):
            nullable.update(s.alias_or_name for s in sources)
        sources.append(join.this)
    return nullable


def _own(select: exp.Select, kind: type[exp.Expr]) -> list[exp.Expr]:
    """The nodes of `kind` in this SELECT itself, not in the subqueries it holds (their own scopes)."""
    from sqlglot import exp

    return [node for node in select.find_all(kind) if node.find_ancestor(exp.Select) is select]


def _partition_hops(classes: _Classes, key_class: Node, partition: Node | None) -> tuple[Hop, Hop] | None:
    """From keys to every key of their partitions: through the read of the partition column, when
    that read also holds the key (its column in the key's class)."""
    if partition is None or partition[0] != "input":
        return None
    nodes: list[Node] = list(classes.parent)
    carry = next((n[2] for n in nodes if n[3] == partition[3] and classes.find(n) == key_class), None)
    if carry is None:
        return None
    return Hop(partition[1], carry, partition[2]), Hop(partition[1], partition[2], carry, null_safe=True)


def _matches(part, joined: str) -> bool:
    """An equality matching each row of a join to rows of given values: column = column, or an
    expression of the joined table's columns equal to one of the others' (`CAST(p.member_id AS
    BIGINT) = m.member_id`: a row of p meets the member of its own value; lineage follows only
    the plain columns, `keys_from` declares the rest)."""
    from sqlglot import exp

    if not isinstance(part, exp.EQ):
        return False
    if isinstance(part.this, exp.Column) and isinstance(part.expression, exp.Column):
        return True
    sides = [{c.table for c in side.find_all(exp.Column)} for side in (part.this, part.expression)]
    return all(sides) and any(side == {joined} and joined not in other for side, other in (sides, sides[::-1]))


def _equalities(select: exp.Expression) -> list[exp.EQ]:
    """Column = column conditions that hold for every row the scope produces: the top-level
    conjuncts of its WHERE and of its joins' ON clauses."""
    from sqlglot import exp

    conditions = [j.args.get("on") for j in select.args.get("joins") or []]
    where = select.args.get("where")
    conditions.append(where.this if where is not None else None)
    return [
        part
        for condition in conditions
        for part in _conjuncts(condition)
        if isinstance(part, exp.EQ) and isinstance(part.this, exp.Column) and isinstance(part.expression, exp.Column)
    ]


def _conjuncts(condition) -> list:
    from sqlglot import exp

    if condition is None:
        return []
    return list(condition.flatten()) if isinstance(condition, exp.And) else [condition]


def _resolve(scope, column: exp.Expression) -> Node | None:
    """The node of a column: a read of an input's column, or a CTE's/subquery's column followed to
    the plain column it selects (an expression or aggregate is a node of its own). A column of an
    enclosing scope (a correlated subquery's outer reference) is resolved there."""
    from sqlglot import exp

    if not isinstance(column, exp.Column):
        return None
    while column.table not in scope.sources and scope.parent is not None:
        scope = scope.parent
    source = scope.sources.get(column.table)
    if isinstance(source, exp.Table):
        return ("input", source.name, column.name, _read(source))
    if source is None or not hasattr(source, "expression"):
        return None
    for projection in source.expression.selects if isinstance(source.expression, exp.Select) else []:
        if projection.alias_or_name == column.name:
            inner = projection.unalias()
            if isinstance(inner, exp.Column):
                return _resolve(source, inner)
            return ("derived", str(id(source)), column.name, "")
    return None


def _path(classes: _Classes, key: Node, start: str, read: str, inputs: tuple[str, ...]) -> KeyPath | None:
    """Breadth-first: from the rows of `start` read at `read`, through equal columns of other
    reads, to a read with a column in the key's class. A step from a read of X to a read of Y
    uses a column x of X equal to a column y of Y: Y's rows whose y is among the x values found
    so far (Y may be X itself, read elsewhere)."""
    key_class = classes.find(key)
    nodes = [n for n in list(classes.parent) if n[0] == "input" and n[1] in inputs]

    def key_column(at: str) -> str | None:
        return next((n[2] for n in nodes if n[3] == at and classes.find(n) == key_class), None)

    direct = key_column(read)
    if direct:
        return KeyPath(start, direct)
    # (read reached, (the start's column, the hops so far; the last one's carry is chosen on expansion))
    frontier: list[tuple[str, tuple[str, tuple[Hop, ...]] | None]] = [(read, None)]
    seen = {read}
    while frontier:
        at, sofar = frontier.pop(0)
        for mine in [n for n in nodes if n[3] == at]:
            for other in classes.members(mine):
                if other[0] != "input" or other[3] in seen or other[1] not in inputs:
                    continue
                hops: tuple[Hop, ...]
                if sofar is None:  # leaving the start read by this column
                    first, hops = mine[2], ()
                else:  # leaving an intermediate read: its carried column is this one
                    first, hops = sofar[0], (*sofar[1][:-1], Hop(sofar[1][-1].input, sofar[1][-1].match, mine[2]))
                carry = key_column(other[3])
                if carry:
                    return KeyPath(start, first, (*hops, Hop(other[1], other[2], carry)))
                seen.add(other[3])
                frontier.append((other[3], (first, (*hops, Hop(other[1], other[2], "")))))
    return None


def model_key_scope(spec: m.ModelSpec, query: exp.Query) -> KeyScope | None:
    """The key scope of a model whose builds can be restricted to keys, else None."""
    if spec.materialization is not m.Materialization.INCREMENTAL:
        return None
    if spec.incremental and spec.incremental.strategy is m.IncrementalStrategy.TIME_RANGE:
        return None
    if isinstance(spec.history, m.Scd2) and spec.history.hard_deletes is m.HardDeletes.INVALIDATE:
        return None  # closing absent keys needs every key's observation
    scope = key_scope(query, spec.keys.business, spec.depends_on)
    if scope is None:
        return _untraced(spec, query)
    return _with_declared(scope, spec.incremental) if spec.incremental else scope


def _untraced(spec: m.ModelSpec, query: exp.Query) -> KeyScope | None:
    """No key column comes straight from the top SELECT's input columns. A set operation (UNION,
    …) is traced branch by branch; a computed key is no input's column: every build is whole,
    and lint says why (W503)."""
    from sqlglot import exp

    keys = spec.keys.business
    if not keys:
        return None
    if isinstance(query, exp.SetOperation):
        scope = _set_operation_scope(query, keys, spec.depends_on)
        return _with_declared(scope, spec.incremental) if spec.incremental else scope
    return KeyScope(keys[0], (), spec.depends_on, f"{COMPUTED_KEY} ({', '.join(keys)})")


def _set_operation_scope(query: exp.Query, keys: tuple[str, ...], inputs: tuple[str, ...]) -> KeyScope:
    """A UNION's (INTERSECT's, EXCEPT's) rows are its branches' rows, compared whole: a key's rows
    come from the branches' rows with that key, so each branch is traced on its own — the key
    being the column at the key's position there — and the paths are all of theirs. A branch
    that reads every row for each key (a rank over everyone, a share of a global count) leaves
    no path sound, declared or not."""
    from sqlglot import exp

    branches = _branches(_inlined(query))
    first = branches[0].selects if branches and isinstance(branches[0], exp.Select) else []
    names = [p.alias_or_name for p in first]
    best: KeyScope | None = None
    for key in keys:
        if key not in names:
            continue
        position = names.index(key)
        paths: list[KeyPath] = []
        missing: set[str] = set()
        partial: set[str] = set()
        traced = True
        for branch in branches:
            selects = branch.selects if isinstance(branch, exp.Select) else []
            alias = selects[position].alias_or_name if position < len(selects) else ""
            read = tuple(n for n in inputs if any(t.name == n for t in branch.find_all(exp.Table)))
            found = key_scope(branch, (alias,), read) if alias and isinstance(branch, exp.Select) else None
            if found is not None and found.unsound:
                return KeyScope(key, (), inputs, found.unsound)
            if found is None:  # this key is no input's column in that branch
                traced = False
                break
            paths += [p for p in found.paths if p not in paths]
            missing.update(found.missing)
            partial.update(found.partial)
        if not traced:
            continue
        missing.update(n for n in inputs if all(p.input != n for p in paths))
        candidate = KeyScope(
            key,
            tuple(paths),
            tuple(n for n in inputs if n in missing),
            partial=tuple(n for n in inputs if n in partial),
        )
        if best is None or len(candidate.missing) < len(best.missing):
            best = candidate
    return best if best is not None else KeyScope(keys[0], (), inputs, SET_OPERATION)


def _branches(query: exp.Expr) -> list[exp.Expr]:
    from sqlglot import exp

    while isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.SetOperation):
        return _branches(query.this) + _branches(query.expression)
    return [query]


def whole_reason(spec: m.ModelSpec, scope: KeyScope | None) -> str:
    """Why an incremental model's builds are never restricted to keys ('' when they can be)."""
    if spec.materialization is not m.Materialization.INCREMENTAL or (scope is not None and scope.paths):
        return ""
    if spec.incremental and spec.incremental.strategy is m.IncrementalStrategy.TIME_RANGE:
        return "a time_range build replaces the time values its SELECT returns (all rows, when it reads all rows)"
    if isinstance(spec.history, m.Scd2) and spec.history.hard_deletes is m.HardDeletes.INVALIDATE:
        return "SCD2 hard deletes compare every key with the batch"
    if scope is not None and scope.unsound:
        return scope.unsound
    return "no input has a key path to its key (W503)"


def _with_declared(scope: KeyScope, incremental: m.Incremental) -> KeyScope:
    """The spec's `incremental.keys_from` for the inputs lineage found no path from: the author
    vouches that the input's column holds the key a changed row affects. Not where the SELECT
    itself is unsound (a global aggregate moves every key; a declaration cannot change that),
    nor for an input read again where no path reaches the key (`KeyScope.partial`)."""
    if scope.unsound:
        return scope
    declared = tuple(
        KeyPath(name, column)
        for name in scope.missing
        if name not in scope.partial and (column := incremental.key_column_of(name))
    )
    if not declared:
        return scope
    covered = {p.input for p in declared}
    return KeyScope(
        scope.column,
        scope.paths + declared,
        tuple(n for n in scope.missing if n not in covered),
        scope.unsound,
        scope.partial,
    )
