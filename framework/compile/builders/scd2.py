"""SCD2: the history of every key touched by a batch is rebuilt from its observations.

The algorithm (one transaction; K = business key, A = tracked columns, S = version_start):

1. Observations. Stage the model SELECT into `__obs_<m>` with `h = MD5(enc(A1)|enc(A2)|…)`
   where `enc(v) = length(v) || ':' || v` and `enc(NULL) = '~'`. Length-prefixing makes the
   hash separator-safe (('a|', 'b') ≠ ('a', '|b')) and the NULL marker makes it NULL-safe
   (NULL ≠ ''), so change detection never needs `IS DISTINCT FROM` (which Redshift lacks).
2. Touched keys. `__keys_<m>` = distinct K of the observations.
3. Candidates. For touched keys only: the batch's observations (priority 1), the versions
   already in the table as observations at their valid_from (priority 0), and a tombstone
   at the valid_to of every version closed by a hard delete (a closed version not followed
   by another one), so a deletion survives the rebuild — but not one at the batch's own time,
   which an earlier run of the batch made from part of it (a delivery in two parts): the batch
   holds the key. An observation of a key deleted at or after its time (and before the
   batch's) is the key back: it is placed at the batch time, where it follows the deletion.
   A later observation newer than that version's data but older than its place (a change
   reported late) takes the place, where the batch's beats the table's.
4. Chain. Per (K, timestamp) keep one candidate: the batch beats the table (a re-sent or
   corrected observation), then the larger tracked values, then the larger other values, column by column
   (deterministic: observations of one instant differing only in untracked columns keep the
   same one on every target, however the batches were run). Order by timestamp and
   keep a row only where its hash differs from the previous row's: consecutive unchanged
   observations collapse, so A→A→B gives two versions and A→B→A three.
5. Windows. valid_from = the version's first observation time; valid_to = the next kept
   row's time (a version or a tombstone), else 9999-12-31; is_current = (valid_to is the
   sentinel). Tombstones are dropped. The surrogate key is MD5 of enc(K) and valid_from,
   so it is stable across reruns and replays.
6. Replace. Delete the touched keys' rows and insert the rebuilt chains, every version with
   the build's `_build_seq` (the chain of a touched key is written again as a whole).
7. Hard deletes (`invalidate`). Current versions whose key is absent from the batch are
   closed at the batch timestamp, or a microsecond after they opened when that is later
   (only meaningful when the SELECT returns every live key),
   and take the build's `_build_seq`. Versions of keys the batch does not touch keep theirs.

Because step 3 re-reads the existing versions, two versions of a key in one batch chain in
order, a late observation (older than the current version) lands in its place and the
windows around it are re-chained, and re-sending a batch changes nothing. When the SELECT
reads cumulative staging (every observation each time), replaying history batch by batch
ends in exactly the table a single full load builds.
"""

from __future__ import annotations

from sqlglot import exp

from framework.compile.builders.models import stored_columns, this_build
from framework.compile.naming import Naming
from framework.compile.statements import Statement, report, run
from framework.spec import model as m
from framework.spec.bookkeeping import BUILD_SEQ
from framework.sql import expr as q
from framework.sql.dialects.base import Dialect
from framework.sql.schema import select_columns

TOMBSTONE_HASH = "deleted"  # never equal to a 32-character MD5


def names(spec: m.ModelSpec) -> dict[str, str]:
    return {part: f"__{part}_{spec.name}" for part in ("obs", "keys", "tomb", "cand", "chain", "ver")}


def build_scd2(spec: m.ModelSpec, source_query: exp.Query, naming: Naming, dialect: Dialect) -> list[Statement]:
    history = spec.history
    assert isinstance(history, m.Scd2), f"{spec.name}: build_scd2 is for SCD2 models (see plan.build_model)"
    keys = spec.keys.business
    data_cols = select_columns(spec)
    t = names(spec)
    table = naming.table_of(spec.name)
    tname = table.name
    ts_type = exp.DataType.build("TIMESTAMP")
    sentinel = q.cast(q.lit(q.SENTINEL_VALID_TO), ts_type)

    observations = q.select(
        *q.cols(data_cols, "__q"),
        q.alias(q.row_hash(q.cols(history.tracked, "__q"), dialect.text_type), "__attr_hash"),
    ).from_(q.subquery(source_query, "__q"))

    touched_keys = q.select(*q.cols(keys)).distinct().from_(q.table(t["obs"]))

    def touched(alias: str) -> exp.Exists:
        return q.exists(
            q.select(q.lit(1))
            .from_(exp.Table(this=q.ident(t["keys"]), alias=exp.TableAlias(this=q.ident("__k"))))
            .where(q.keys_equal(keys, "__k", alias))
        )

    existing = exp.Table(this=table.this.copy(), db=table.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__t")))
    deletes = history.hard_deletes is m.HardDeletes.INVALIDATE
    observed_at: exp.Expression = q.cast(q.col(history.version_start, "__o"), ts_type)
    from_batch = q.select(
        *q.cols(data_cols, "__o"),
        q.col("__attr_hash", "__o"),
        q.alias(_after_deletion(observed_at, dialect) if deletes else observed_at, "__ts"),
        q.alias(q.lit(1), "__prio"),
        q.alias(q.lit(False), "__tomb"),
    ).from_(exp.Table(this=q.ident(t["obs"]), alias=exp.TableAlias(this=q.ident("__o"))))
    if deletes:
        from_batch = from_batch.join(
            q.subquery(_latest_deletions(t["tomb"], keys, dialect), "__d"),
            on=q.keys_equal(keys, "__d", "__o"),
            join_type="left",
        ).join(
            q.subquery(_latest_return(existing, keys, history.version_start, ts_type, touched("__t"), dialect), "__p"),
            on=q.keys_equal(keys, "__p", "__o"),
            join_type="left",
        )
    existing_hash = q.row_hash(q.cols(history.tracked, "__t"), dialect.text_type)
    from_table = (
        q.select(
            *q.cols(data_cols, "__t"),
            q.alias(existing_hash, "__attr_hash"),
            q.alias(q.col("valid_from", "__t"), "__ts"),
            q.alias(q.lit(0), "__prio"),
            q.alias(q.lit(False), "__tomb"),
        )
        .from_(existing.copy())
        .where(touched("__t"))
    )
    successor = (
        q.select(q.lit(1))
        .from_(exp.Table(this=table.this.copy(), db=table.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__n"))))
        .where(
            q.and_all(
                [
                    q.keys_equal(keys, "__n", "__t"),
                    exp.EQ(this=q.col("valid_from", "__n"), expression=q.col("valid_to", "__t")),
                ]
            )
        )
    )
    tombstones = (
        q.select(
            *q.cols(data_cols, "__t"),
            q.alias(q.lit(TOMBSTONE_HASH), "__attr_hash"),
            q.alias(q.col("valid_to", "__t"), "__ts"),
            q.alias(q.lit(0), "__prio"),
            q.alias(q.lit(True), "__tomb"),
        )
        .from_(existing.copy())
        .where(
            q.and_all(
                [
                    touched("__t"),
                    exp.NEQ(this=q.col("valid_to", "__t"), expression=sentinel.copy()),
                    exp.Not(this=q.exists(successor)),
                ]
            )
        )
    )
    candidates = exp.union(from_batch, from_table, distinct=False)
    if deletes:  # only then can a version be closed without a successor
        # but not by this batch's own time: an earlier run of the batch, which saw part of it (a
        # delivery in two parts), closed what the batch holds — one run over it deletes nothing
        standing = exp.NEQ(this=q.col("__ts"), expression=_batch_ts(dialect))
        candidates = exp.union(
            candidates, q.select(exp.Star()).from_(q.table(t["tomb"])).where(standing), distinct=False
        )

    carried = [*data_cols, "__attr_hash", "__ts", "__tomb"]
    # the batch, then the larger tracked values, then the larger other values: two observations
    # of one instant keep the same one however the batches were run, on every target — compared
    # as values, not by their hash, whose text of a double differs between engines (12.0 / 12)
    types = {c.name: c.type for c in spec.columns}
    untracked = [c for c in data_cols if c not in history.tracked]
    order = [
        q.desc(q.col("__prio")),
        *(q.desc(_comparable(c, types.get(c), dialect)) for c in history.tracked),
        *(q.desc(_comparable(c, types.get(c), dialect)) for c in untracked),
    ]
    ranked = q.select(
        *q.cols(carried),
        q.alias(q.window(exp.RowNumber(), q.cols(keys) + [q.col("__ts")], order), "__rn"),
    ).from_(q.table(t["cand"]))
    chain = (
        q.select(
            *q.cols(carried),
            q.alias(q.window(exp.Lag(this=q.col("__attr_hash")), q.cols(keys), [q.asc(q.col("__ts"))]), "__prev_hash"),
        )
        .from_(q.subquery(ranked, "__d"))
        .where(exp.EQ(this=q.col("__rn"), expression=q.lit(1)))
    )

    changed = exp.Or(
        this=exp.Is(this=q.col("__prev_hash"), expression=exp.Null()),
        expression=exp.NEQ(this=q.col("__prev_hash"), expression=q.col("__attr_hash")),
    )
    next_ts = q.window(exp.Lead(this=q.col("__ts")), q.cols(keys), [q.asc(q.col("__ts"))])
    versions = (
        q.select(
            *q.cols(data_cols),
            q.col("__tomb"),
            q.alias(q.col("__ts"), "valid_from"),
            q.alias(exp.Coalesce(this=next_ts, expressions=[sentinel.copy()]), "valid_to"),
        )
        .from_(q.table(t["chain"]))
        .where(changed)
    )

    outputs: list[exp.Expression] = []
    for column in spec.columns:
        if column.name == spec.keys.surrogate:
            outputs.append(q.alias(q.row_hash(q.cols(keys) + [q.col("valid_from")], dialect.text_type), column.name))
        elif column.name == "is_current":
            outputs.append(q.alias(exp.EQ(this=q.col("valid_to"), expression=sentinel.copy()), "is_current"))
        else:
            outputs.append(q.col(column.name))
    outputs.append(this_build(dialect))  # every version of a touched key is written again
    rebuilt = q.select(*outputs).from_(q.table(t["ver"])).where(exp.Not(this=q.col("__tomb")))

    delete = exp.Delete(this=table.copy(), where=exp.Where(this=touched(tname)))
    was_current = (
        q.select(q.lit(1))
        .from_(exp.Table(this=table.this.copy(), db=table.args["db"].copy(), alias=exp.TableAlias(this=q.ident("__c"))))
        .where(
            q.and_all(
                [
                    q.keys_equal(keys, "__c", "__v"),
                    exp.EQ(this=q.col("valid_from", "__c"), expression=q.col("valid_from", "__v")),
                    exp.EQ(this=q.col("is_current", "__c"), expression=q.lit(True)),
                ]
            )
        )
    )
    expired = (
        q.select(q.alias(exp.Count(this=exp.Star()), "rows_expired"))
        .from_(exp.Table(this=q.ident(t["ver"]), alias=exp.TableAlias(this=q.ident("__v"))))
        .where(
            q.and_all(
                [
                    exp.Not(this=q.col("__tomb", "__v")),
                    exp.NEQ(this=q.col("valid_to", "__v"), expression=sentinel.copy()),
                    q.exists(was_current),
                ]
            )
        )
    )
    statements = [run(q.drop_table(name), "drop a leftover work table") for name in t.values()]
    statements += [
        run(q.create_temp_as(t["obs"], observations), "stage the observations with their attribute hash"),
        run(q.create_temp_as(t["keys"], touched_keys), "collect the touched keys"),
        *(
            [run(q.create_temp_as(t["tomb"], tombstones), "the touched keys' deletions (tombstones)")]
            if deletes
            else []
        ),
        run(q.create_temp_as(t["cand"], candidates), "gather batch observations, existing versions and tombstones"),
        run(q.create_temp_as(t["chain"], chain), "one candidate per key and time; compare with the previous"),
        run(q.create_temp_as(t["ver"], versions), "keep the changes and compute the windows"),
        report(_ties(t["obs"], keys, history.version_start, ts_type), "keys observed two ways at one instant"),
        report(expired, "versions this batch closes"),
        run(delete, "delete the touched keys' versions"),
        run(
            q.insert_select(table.copy(), [c.name for c in stored_columns(spec)], rebuilt), "insert the rebuilt chains"
        ),
    ]
    if deletes:
        statements.append(
            run(
                _invalidate(table, t["keys"], keys, dialect),
                "close versions of keys absent from the batch",
            )
        )
    statements += [run(q.drop_table(name), "drop a work table") for name in t.values()]
    return statements


def _comparable(name: str, ptype, dialect: Dialect) -> exp.Expression:
    """A column as the tie-break orders it: text by its bytes on every target (PostgreSQL's
    database collation would sort 'B' before 'a'; see Dialect.string_collation)."""
    column = q.col(name)
    if dialect.string_collation and ptype is not None and ptype.name == "string":
        return exp.Collate(this=column, expression=exp.Identifier(this=dialect.string_collation, quoted=True))
    return column


def _ties(observations: str, keys: tuple[str, ...], version_start: str, ts_type: exp.DataType) -> exp.Select:
    """How many (key, instant) the batch observed with differing tracked values: one is kept (the
    larger tracked values, step 4), and the run says so — the order of delivery cannot decide
    between rows a model's SELECT may have aggregated."""
    instant = q.cast(q.col(version_start), ts_type)
    tied = (
        q.select(*q.cols(keys), q.alias(instant, "__ts"))
        .from_(q.table(observations))
        .group_by(*q.cols(keys), instant.copy())
        .having(exp.GT(this=exp.Count(this=exp.Distinct(expressions=[q.col("__attr_hash")])), expression=q.lit(1)))
    )
    return q.select(q.alias(exp.Count(this=exp.Star()), "scd2_ties")).from_(q.subquery(tied, "__tie"))


def _batch_ts(dialect: Dialect) -> exp.Expression:
    return q.cast(dialect.placeholder("batch_ts"), exp.DataType.build("TIMESTAMP"))


def _latest_deletions(tombstones: str, keys: tuple[str, ...], dialect: Dialect) -> exp.Select:
    """Per touched key, its latest deletion before the batch time (a later one belongs to a
    batch after this one, run before it; one at the batch's own time is void, see the
    candidates)."""
    return (
        q.select(*q.cols(keys), q.alias(exp.Max(this=q.col("__ts")), "__deleted"))
        .from_(q.table(tombstones))
        .where(exp.LT(this=q.col("__ts"), expression=_batch_ts(dialect)))
        .group_by(*q.cols(keys))
    )


def _latest_return(
    existing: exp.Table,
    keys: tuple[str, ...],
    version_start: str,
    ts_type: exp.DataType,
    touched: exp.Exists,
    dialect: Dialect,
) -> exp.Select:
    """Per touched key, its latest version placed at a batch time after a deletion (its
    valid_from later than its own version_start), with that version_start: up to this batch."""
    started = q.cast(q.col(version_start, "__t"), ts_type)
    placed = q.and_all(
        [
            touched,
            exp.GT(this=q.col("valid_from", "__t"), expression=started),
            exp.LTE(this=q.col("valid_from", "__t"), expression=_batch_ts(dialect)),
        ]
    )
    latest = q.window(exp.RowNumber(), q.cols(keys, "__t"), [q.desc(q.col("valid_from", "__t"))])
    ranked = (
        q.select(
            *q.cols(keys, "__t"),
            q.alias(q.col("valid_from", "__t"), "__placed"),
            q.alias(started.copy(), "__placed_start"),
            q.alias(latest, "__rn"),
        )
        .from_(existing.copy())
        .where(placed)
    )
    return (
        q.select(*q.cols(keys), q.col("__placed"), q.col("__placed_start"))
        .from_(q.subquery(ranked, "__r"))
        .where(exp.EQ(this=q.col("__rn"), expression=q.lit(1)))
    )


def _after_deletion(observed_at: exp.Expression, dialect: Dialect) -> exp.Expression:
    """A key the batch holds again after a deletion, observed at a time not after it (the row as
    it was before, or restored with its old version_start), is back at the batch time: in its
    place it would fall before the deletion, and the key would stay deleted while the batch
    holds it. An observation newer than such a placed version's data but older than its place
    (a change reported late, after the key came back) takes that place: the batch's beats the
    table's there, as the latest delivery says — in its own place it would fall before the
    version the key came back with, which would stay current however often the change came."""
    back = exp.LTE(this=observed_at.copy(), expression=q.col("__deleted", "__d"))
    # placed since the latest deletion: the key is back already, and the row it came back with,
    # delivered again, is that version's (its new columns filled, adversarial round 52) — not a
    # return at this batch's time; a placing before the latest deletion leaves it deleted
    since = exp.Or(
        this=exp.Is(this=q.col("__deleted", "__d"), expression=exp.Null()),
        expression=exp.GT(this=q.col("__placed", "__p"), expression=q.col("__deleted", "__d")),
    )
    superseded = q.and_all(
        [
            exp.LT(this=observed_at.copy(), expression=q.col("__placed", "__p")),
            exp.GTE(this=observed_at.copy(), expression=q.col("__placed_start", "__p")),
            exp.Paren(this=since),
        ]
    )
    return exp.Case(
        ifs=[exp.If(this=superseded, true=q.col("__placed", "__p")), exp.If(this=back, true=_batch_ts(dialect))],
        default=observed_at,
    )


def _invalidate(table: exp.Table, keys_table: str, keys: tuple[str, ...], dialect: Dialect) -> exp.Update:
    """Close the current versions of keys absent from the batch at the batch timestamp — never
    before the version opened (a row whose version_start is past the batch's time, by its
    source's clock): then a microsecond after it. Each version closed is written by this build
    (its `_build_seq`)."""
    present = q.exists(
        q.select(q.lit(1))
        .from_(exp.Table(this=q.ident(keys_table), alias=exp.TableAlias(this=q.ident("__k"))))
        .where(q.keys_equal(keys, "__k", table.name))
    )
    return exp.Update(
        this=table.copy(),
        expressions=[
            exp.EQ(this=q.col("valid_to"), expression=_closing_time(dialect)),
            exp.EQ(this=q.col("is_current"), expression=q.lit(False)),
            exp.EQ(this=q.col(BUILD_SEQ.name), expression=this_build(dialect).this),
        ],
        where=exp.Where(
            this=q.and_all([exp.EQ(this=q.col("is_current"), expression=q.lit(True)), exp.Not(this=present)])
        ),
    )


def _closing_time(dialect: Dialect) -> exp.Expression:
    opened = q.col("valid_from")
    just_after = exp.Add(this=opened.copy(), expression=exp.Interval(this=q.lit("1"), unit=exp.var("MICROSECOND")))
    before = exp.LT(this=opened, expression=_batch_ts(dialect))
    return exp.Case(ifs=[exp.If(this=before, true=_batch_ts(dialect))], default=just_after)
