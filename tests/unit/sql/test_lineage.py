"""Key paths read from a model's SELECT: which keys a change in each input can affect — and the
shapes of SQL for which no path is sound (the model is then rebuilt whole)."""

from __future__ import annotations

import pytest
import sqlglot

from framework.sql import SOURCE_DIALECT
from framework.sql.lineage import Hop, KeyPath, key_scope


def scope_of(sql: str, keys=("order_id",), inputs=("orders", "order_items", "customers")):
    """(The compiler hands it the SELECT qualified against the specs; these are written qualified.)"""
    return key_scope(sqlglot.parse_one(sql, read=SOURCE_DIALECT), keys, inputs)


def test_keys_are_traced_through_ctes_joins_and_other_inputs():
    scope = scope_of(
        """
        WITH items AS (SELECT oi.order_id, COUNT(*) AS n FROM order_items oi GROUP BY oi.order_id)
        SELECT o.order_id, c.city, i.n
        FROM orders o
        LEFT JOIN customers c ON c.customer_id = o.customer_id
        LEFT JOIN items i ON i.order_id = o.order_id
        """
    )
    assert scope is not None and scope.column == "order_id" and scope.missing == ()
    assert scope.path("orders") == KeyPath("orders", "order_id")
    assert scope.path("order_items") == KeyPath("order_items", "order_id")  # through the CTE's plain column
    assert scope.path("customers") == KeyPath("customers", "customer_id", (Hop("orders", "customer_id", "order_id"),))


def test_an_input_joined_without_an_equality_has_no_path():
    scope = scope_of(
        """
        SELECT o.order_id, c.city FROM orders o
        LEFT JOIN customers c ON c.signup_ts <= o.purchase_ts AND c.customer_id = o.customer_id
        LEFT JOIN order_items i ON i.shipped_ts > o.purchase_ts
        """
    )
    # a join without any column equality: a row may reach every order
    assert scope is not None and scope.paths == () and "has no column equality" in scope.unsound


@pytest.mark.parametrize(
    "sql, why",
    [
        # a global aggregate cross-joined to every row: one new order moves every row's as-of date
        (
            """WITH as_of AS (SELECT MAX(o.purchase_ts) AS d FROM orders o)
               SELECT o.order_id, a.d FROM orders o CROSS JOIN as_of a""",
            "aggregates over all rows",
        ),
        # a window over every row: a new order renumbers the others
        (
            "SELECT o.order_id, ROW_NUMBER() OVER (ORDER BY o.purchase_ts) AS n FROM orders o",
            "not partitioned by the key",
        ),
        # a window over another input's column: no read holds both the partition and the key
        (
            """SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY c.city ORDER BY o.purchase_ts) AS n
               FROM orders o JOIN customers c ON c.customer_id = o.customer_id""",
            "not partitioned by the key",
        ),
        # QUALIFY's window counts as much as the select list's
        ("SELECT o.order_id FROM orders o QUALIFY ROW_NUMBER() OVER (ORDER BY o.purchase_ts) = 1", "not partitioned"),
        # top-N: which rows are in depends on all of them
        ("SELECT o.order_id FROM orders o ORDER BY o.purchase_ts LIMIT 10", "a LIMIT"),
        # a scalar aggregate in a subquery
        (
            "SELECT o.order_id, (SELECT MAX(i.price) FROM order_items i) AS top FROM orders o",
            "aggregates over all rows",
        ),
        # correlated: per row, not over all rows; not traced, and said so (adversarial round 27)
        (
            "SELECT o.order_id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.order_id) AS n FROM orders o",
            "the scalar subquery (SELECT COUNT(*)",
        ),
    ],
)
def test_shapes_where_a_row_can_change_other_keys_get_no_scope(sql, why):
    scope = scope_of(sql)
    assert scope is not None and scope.paths == () and why in scope.unsound, scope


def test_a_window_partitioned_by_the_key_keeps_the_scope():
    scope = scope_of(
        """
        WITH ranked AS (
            SELECT oi.order_id, ROW_NUMBER() OVER (PARTITION BY oi.order_id ORDER BY oi.price DESC) AS rn
            FROM order_items oi
        )
        SELECT o.order_id, r.rn FROM orders o JOIN ranked r ON r.order_id = o.order_id AND r.rn = 1
        """
    )
    assert scope is not None and scope.path("order_items") == KeyPath("order_items", "order_id")


LOANS = ("loans", "fines")


def loans_scope(sql: str, inputs=LOANS):
    return scope_of(sql, keys=("loan_id",), inputs=inputs)


def test_an_input_read_again_through_an_aggregate_gets_a_path_for_that_read():
    # a new loan changes the count of every loan of its book: the second read's path goes from
    # the changed loans' book_id to the loans of that book
    scope = loans_scope(
        """
        WITH bc AS (SELECT b.book_id, COUNT(*) AS book_loans FROM loans b GROUP BY b.book_id)
        SELECT l.loan_id, l.book_id, bc.book_loans FROM loans l LEFT JOIN bc ON bc.book_id = l.book_id
        """,
        inputs=("loans",),
    )
    assert scope is not None and scope.missing == () and not scope.unsound
    assert set(scope.paths) == {
        KeyPath("loans", "loan_id"),
        KeyPath("loans", "book_id", (Hop("loans", "book_id", "loan_id"),)),
    }


def test_a_self_join_follows_the_joined_rows_to_the_keys_they_reach():
    scope = loans_scope(
        """
        SELECT l.loan_id, l.member_id, COUNT(p.loan_id) AS earlier
        FROM loans l LEFT JOIN loans p ON p.member_id = l.member_id AND p.loaned_at < l.loaned_at
        GROUP BY l.loan_id, l.member_id
        """
    )
    assert scope is not None and KeyPath("loans", "member_id", (Hop("loans", "member_id", "loan_id"),)) in scope.paths


def test_each_reference_of_a_cte_is_its_own_read():
    # the CTE joined to itself: its two references read different loans (those of one member)
    scope = loans_scope(
        """
        WITH t AS (SELECT x.loan_id, x.member_id FROM loans x)
        SELECT a.loan_id, COUNT(b.loan_id) AS same_member FROM t a JOIN t b ON b.member_id = a.member_id
        GROUP BY a.loan_id
        """
    )
    assert scope is not None and KeyPath("loans", "member_id", (Hop("loans", "member_id", "loan_id"),)) in scope.paths


def test_an_in_subquery_is_a_semi_join_on_its_column():
    scope = loans_scope(
        """
        SELECT l.loan_id, l.member_id FROM loans l
        WHERE l.member_id IN (SELECT r.member_id FROM loans r GROUP BY r.member_id HAVING COUNT(*) >= 3)
        """,
        inputs=("loans",),
    )
    assert scope is not None and scope.missing == ()
    assert KeyPath("loans", "member_id", (Hop("loans", "member_id", "loan_id"),)) in scope.paths


def test_an_input_reached_through_another_read_of_an_input_hops_through_that_read():
    # fines reach a loan's key through their loan's member (the aggregate is per member), not
    # through their own loan_id: the fines.loan_id = loans.loan_id equality is another read's
    scope = loans_scope(
        """
        WITH mf AS (
            SELECT l2.member_id, SUM(f.amount) AS member_fines
            FROM fines f JOIN loans l2 ON l2.loan_id = f.loan_id GROUP BY l2.member_id
        )
        SELECT l.loan_id, l.member_id, mf.member_fines FROM loans l LEFT JOIN mf ON mf.member_id = l.member_id
        """
    )
    assert scope is not None and scope.missing == ()
    assert scope.path("fines") == KeyPath(
        "fines", "loan_id", (Hop("loans", "loan_id", "member_id"), Hop("loans", "member_id", "loan_id"))
    )


def test_an_input_read_where_no_equality_leads_is_missing_though_another_read_has_a_path():
    # the scalar comparison reads loans a second time with no equality to the outer rows
    scope = loans_scope(
        """
        SELECT l.loan_id FROM loans l
        WHERE l.member_id IN (SELECT r.member_id FROM loans r JOIN fines f ON f.amount > r.fee)
        """
    )
    assert scope is not None and (scope.unsound or "loans" in scope.missing)


def test_a_correlated_exists_leads_from_the_inner_rows_to_the_outer_key():
    scope = loans_scope(
        "SELECT l.loan_id FROM loans l WHERE NOT EXISTS (SELECT 1 FROM fines f WHERE f.loan_id = l.loan_id)"
    )
    assert scope is not None and scope.path("fines") == KeyPath("fines", "loan_id")


def test_a_window_over_another_column_of_the_keys_read_reaches_the_keys_of_its_partition():
    # the nth order of a customer: a new order renumbers its customer's other orders, so every
    # path goes on from the keys it finds to the keys of their customers; and a changed order's
    # customer leads to that customer's orders (the customer it left, by its kept old value)
    scope = scope_of(
        """SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.purchase_ts) AS n
           FROM orders o""",
        inputs=("orders",),
    )
    assert scope is not None and not scope.unsound and scope.missing == ()
    # the hop from a partition to its keys matches NULL too: PARTITION BY groups NULLs
    around = (Hop("orders", "order_id", "customer_id"), Hop("orders", "customer_id", "order_id", null_safe=True))
    assert set(scope.paths) == {
        KeyPath("orders", "order_id"),
        KeyPath("orders", "order_id", around),
        KeyPath("orders", "customer_id", around[1:]),
    }


def test_a_qualify_keeping_the_latest_row_per_partition_reaches_the_rows_it_drops():
    # the latest order per customer: a new order drops the customer's previous latest one
    scope = scope_of(
        """SELECT o.order_id, o.customer_id FROM orders o
           QUALIFY ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.purchase_ts DESC) = 1""",
        inputs=("orders",),
    )
    assert (
        scope is not None
        and KeyPath("orders", "customer_id", (Hop("orders", "customer_id", "order_id", null_safe=True),)) in scope.paths
    )


def union_spec(keys_from=()):
    """The fixture's fact model, made a UNION of orders and order_items keyed by (order_id, kind)."""
    import dataclasses

    from framework.spec import model as m
    from framework.spec.project import load_project
    from tests.conftest import FIXTURES

    project, _ = load_project(str(FIXTURES / "tiny_shop"))
    fact = project.require("fact_purchase")
    assert isinstance(fact, m.ModelSpec) and fact.incremental is not None
    return dataclasses.replace(
        fact,
        depends_on=("orders", "order_items"),
        keys=dataclasses.replace(fact.keys, business=("order_id", "kind")),
        incremental=dataclasses.replace(fact.incremental, keys_from=keys_from),
    )


def test_a_union_is_traced_branch_by_branch_at_the_key_s_position():
    from framework.sql.lineage import model_key_scope

    traced = sqlglot.parse_one(
        """SELECT o.order_id, 'order' AS kind FROM orders o
           UNION ALL SELECT i.order_id AS id, 'item' AS kind FROM order_items i""",
        read=SOURCE_DIALECT,
    )
    scope = model_key_scope(union_spec(), traced)  # the second branch's key is its first column, `id`
    assert scope is not None and not scope.unsound and scope.missing == ()
    assert set(scope.paths) == {KeyPath("orders", "order_id"), KeyPath("order_items", "order_id")}


def test_a_union_branch_reading_every_row_per_key_leaves_no_path_even_declared():
    from framework.sql.lineage import model_key_scope

    ranked = sqlglot.parse_one(
        """SELECT o.order_id, 'order' AS kind FROM orders o
           UNION ALL SELECT i.order_id, 'rank' AS kind FROM order_items i
           QUALIFY RANK() OVER (ORDER BY i.price DESC) <= 10""",
        read=SOURCE_DIALECT,
    )
    scope = model_key_scope(union_spec((("order_items", "order_id"),)), ranked)
    assert scope is not None and scope.paths == () and "not partitioned by the key" in scope.unsound


def test_a_window_over_another_window_s_rows_leaves_no_path():
    # a rank per book over sums per member: a loan changes its member's sums, which move ranks
    # in the books of that member's other loans — partitions of partitions: built whole
    scope = scope_of(
        """SELECT x.loan_id, RANK() OVER (PARTITION BY x.book_id ORDER BY x.s DESC) AS r
           FROM (SELECT l.loan_id, l.book_id, SUM(l.amt) OVER (PARTITION BY l.member_id) AS s FROM loans l) AS x""",
        keys=("loan_id",),
        inputs=("loans",),
    )
    assert scope is not None and scope.paths == () and "a window over a window" in scope.unsound, scope


def test_a_join_by_where_equalities_or_by_an_expression_equality_keeps_the_scope():
    """`FROM a, b WHERE b.x = a.x` joins as its WHERE says (lineage follows WHERE equalities);
    `CAST(i.order_id AS TEXT) = o.order_id` matches each item to the order of its own value: no
    unsound shape, only no path for that input (W503 there, which `keys_from` declares)."""
    comma = scope_of("SELECT o.order_id, i.price FROM orders o, order_items i WHERE i.order_id = o.order_id")
    assert comma is not None and not comma.unsound and {p.input for p in comma.paths} == {"orders", "order_items"}
    cast = scope_of(
        "SELECT o.order_id, i.price FROM orders o JOIN order_items i ON CAST(i.order_id AS TEXT) = o.order_id"
    )
    assert cast is not None and not cast.unsound and "order_items" in cast.missing, cast
    # a comma join with no equality to the joined table stays unsound
    crossed = scope_of("SELECT o.order_id, i.price FROM orders o, order_items i WHERE i.price > 1")
    assert crossed is not None and "has no column equality" in crossed.unsound


@pytest.mark.parametrize(
    "second, bounded",
    [
        # the nth loan of a member beside the previous loan of its book: a loan's book partition
        # reaches loans whose member partitions reach other books' loans, and on without bound
        ("PARTITION BY l.book_id ORDER BY l.ts", False),
        # a partition by (book, member) lies within the member's: the member's closure covers both
        ("PARTITION BY l.book_id, l.member_id ORDER BY l.ts", True),
    ],
    ids=["different columns", "one within the other"],
)
def test_windows_partitioned_by_different_columns_leave_no_path(second, bounded):
    """Adversarial round 12 (window_two_partitions): the keys were closed over each window's
    partitions once, so a key reached through one window was rebuilt with its other window's
    partition partly read (a member's second loan renumbered 1)."""
    from framework.sql.lineage import WINDOWS

    scope = scope_of(
        f"""SELECT l.loan_id, ROW_NUMBER() OVER (PARTITION BY l.member_id ORDER BY l.ts) AS nth,
                   LAG(l.ts) OVER ({second}) AS previous
            FROM loans l""",
        keys=("loan_id",),
        inputs=("loans",),
    )
    assert scope is not None
    if bounded:
        member = (Hop("loans", "loan_id", "member_id"), Hop("loans", "member_id", "loan_id", null_safe=True))
        assert not scope.unsound and KeyPath("loans", "loan_id", member) in scope.paths, scope
    else:
        assert scope.paths == () and scope.unsound.startswith(WINDOWS), scope
        assert "l.member_id" in scope.unsound and "l.book_id" in scope.unsound


def test_a_declared_column_does_not_scope_an_input_read_again_across_keys():
    """Adversarial round 18 (keys_from_second_read): orders read as the key's rows and again in a
    count per month joined back by an expression. W503 offered keys_from, and `{orders:
    order_id}` then scoped the builds to the changed orders, leaving their month's other orders
    with the old count. A declaration names one column for every read: it cannot describe a read
    that combines other keys' rows, so it is not used there."""
    import dataclasses

    from framework.sql.lineage import model_key_scope

    monthly = sqlglot.parse_one(
        """WITH m AS (SELECT DATE_TRUNC('month', o2.order_ts) AS month, COUNT(*) AS n
                      FROM orders o2 GROUP BY DATE_TRUNC('month', o2.order_ts))
           SELECT o.order_id, m.n FROM orders o JOIN m ON m.month = DATE_TRUNC('month', o.order_ts)""",
        read=SOURCE_DIALECT,
    )
    spec = union_spec((("orders", "order_id"),))
    spec = dataclasses.replace(
        spec, depends_on=("orders",), keys=dataclasses.replace(spec.keys, business=("order_id",))
    )
    scope = model_key_scope(spec, monthly)
    assert scope is not None and scope.partial == ("orders",)
    assert scope.path("orders") is None and scope.missing == ("orders",)  # whole builds: the declaration is not used
    once = sqlglot.parse_one("SELECT o.order_id, o.order_ts FROM orders o", read=SOURCE_DIALECT)
    assert model_key_scope(spec, once).partial == ()  # one read: nothing partial
