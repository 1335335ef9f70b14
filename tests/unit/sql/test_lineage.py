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
        # a window over another column's partition: a new order renumbers its customer's others
        (
            "SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.purchase_ts) AS n FROM orders o",
            "not partitioned by the key",
        ),
        # top-N: which rows are in depends on all of them
        ("SELECT o.order_id FROM orders o ORDER BY o.purchase_ts LIMIT 10", "a LIMIT"),
        # a scalar aggregate in a subquery
        (
            "SELECT o.order_id, (SELECT MAX(i.price) FROM order_items i) AS top FROM orders o",
            "aggregates over all rows",
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
