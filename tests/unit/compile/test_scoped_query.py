"""A scoped build's SELECT: the affected keys' filter is pushed to where rows are read — into
the CTEs joined on the key, through the CTEs they read, and (as a semi-join reduction) into a
lookup CTE joined on another column — and the result is always exactly the whole SELECT's rows
of those keys. Executed on DuckDB, compared with the unscoped SELECT filtered afterwards."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from framework.compile.builders.scoping import affected_name, scoped_query
from framework.sql import SOURCE_DIALECT
from framework.sql.lineage import key_scope

MODEL = "dim_person"

# persons observed on orders, with the mean coordinates of their zip code (a lookup over all rows
# of the geo table, grouped by zip code), like the Olist customer dimension
OBSERVED = """
WITH geo_points AS (
    SELECT DISTINCT g.zip, g.lat FROM geo g WHERE g.lat > -90
),
zip_geo AS (
    SELECT gp.zip AS zip, AVG(gp.lat) AS lat FROM geo_points gp GROUP BY gp.zip
),
observations AS (
    SELECT DISTINCT c.person_id, c.zip, o.ordered_at
    FROM orders o JOIN customers c ON c.customer_id = o.customer_id
)
SELECT ob.person_id, ob.zip, z.lat, ob.ordered_at
FROM observations ob
LEFT JOIN zip_geo z ON z.zip = ob.zip
"""

# per-person statistics from a CTE chain joined on the key
STATS = """
WITH person_orders AS (
    SELECT c.person_id, o.amount FROM orders o JOIN customers c ON c.customer_id = o.customer_id
),
totals AS (
    SELECT po.person_id, SUM(po.amount) AS spent, COUNT(*) AS n FROM person_orders po GROUP BY po.person_id
)
SELECT c.person_id, t.spent, t.n
FROM customers c
JOIN totals t ON t.person_id = c.person_id
"""


@pytest.fixture()
def conn():
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE customers AS SELECT 'c' || i AS customer_id, 'p' || (i % 7) AS person_id, "
        "'z' || (i % 5) AS zip FROM range(40) t(i)"
    )
    conn.execute(
        "CREATE TABLE orders AS SELECT 'o' || i AS order_id, 'c' || (i % 40) AS customer_id, "
        "TIMESTAMP '2020-01-01' + INTERVAL (i) HOUR AS ordered_at, i * 1.5 AS amount FROM range(120) t(i)"
    )
    conn.execute("CREATE TABLE geo AS SELECT 'z' || (i % 9) AS zip, (i % 13) * 1.0 AS lat FROM range(300) t(i)")
    conn.execute(f"CREATE TABLE {affected_name(MODEL)} AS SELECT * FROM (VALUES ('p1'), ('p4')) v(__k)")
    yield conn
    conn.close()


def scoped(sql: str) -> exp.Select:
    query = sqlglot.parse_one(sql, read=SOURCE_DIALECT)
    assert isinstance(query, exp.Query)
    scope = key_scope(query, ("person_id",), ("orders", "customers", "geo"))
    assert scope is not None and scope.paths and not scope.unsound
    return scoped_query(query.copy(), scope, MODEL)


def rows(conn, sql: str) -> list[tuple]:
    return sorted(conn.execute(sql).fetchall())


def whole_then_filtered(sql: str) -> str:
    return f"SELECT * FROM ({sql}) w WHERE w.person_id IN (SELECT __k FROM {affected_name(MODEL)})"


def cte(query: exp.Select, name: str) -> exp.Select:
    found = next(c.this for c in query.find_all(exp.CTE) if c.alias_or_name == name)
    assert isinstance(found, exp.Select)
    return found


def test_a_lookup_joined_on_another_column_is_reduced_to_the_values_the_affected_rows_join_by(conn):
    query = scoped(OBSERVED)
    inner = query.find(exp.Subquery).this
    # geo_points keeps only the zips of the affected persons' observations, and so, reading only
    # geo_points grouped by the zip, does zip_geo: the values are computed once, where rows are read
    assert "observations" not in cte(inner, "geo_points").args["where"].sql()  # a copy of its body, not a reference
    assert cte(inner, "geo_points").args["where"].find(exp.In) is not None
    assert cte(inner, "zip_geo").args.get("where") is None
    assert rows(conn, query.sql("duckdb")) == rows(conn, whole_then_filtered(OBSERVED))
    assert len(rows(conn, query.sql("duckdb"))) > 0


def test_the_filter_goes_down_a_chain_of_ctes_grouped_by_the_key(conn):
    query = scoped(STATS)
    inner = query.find(exp.Subquery).this
    # person_orders is restricted; totals reads only it, grouped by the key: restricted with it
    assert cte(inner, "person_orders").args["where"].find(exp.In) is not None
    assert cte(inner, "totals").args.get("where") is None
    assert rows(conn, query.sql("duckdb")) == rows(conn, whole_then_filtered(STATS))


def test_a_cte_read_twice_for_peers_has_no_sound_key_path():
    # totals is also read for each person's peers (other persons with as many orders): a new
    # order of any person changes who the affected persons' peers are, so no key path from
    # orders or customers is sound — each place an input is read needs a path of its own
    sql = STATS.replace(
        "SELECT c.person_id, t.spent, t.n", "SELECT c.person_id, t.spent, t.n, peer.person_id AS peer"
    ).replace(
        "JOIN totals t ON t.person_id = c.person_id",
        "JOIN totals t ON t.person_id = c.person_id\nJOIN totals peer ON peer.n = t.n",
    )
    query = sqlglot.parse_one(sql, read=SOURCE_DIALECT)
    assert isinstance(query, exp.Query)
    scope = key_scope(query, ("person_id",), ("orders", "customers"))
    assert scope is not None and set(scope.missing) == {"orders", "customers"}, scope


def test_a_cte_joining_more_than_the_restricted_one_keeps_its_own_filter(conn):
    # totals joins person_orders to another table: restricting person_orders alone would not
    # restrict totals' rows on an outer join's other side, so totals is filtered itself too
    sql = STATS.replace(
        "FROM person_orders po GROUP BY po.person_id",
        "FROM person_orders po LEFT JOIN customers cx ON cx.person_id = po.person_id GROUP BY po.person_id",
    )
    assert sql != STATS
    query = scoped(sql)
    inner = query.find(exp.Subquery).this
    assert cte(inner, "person_orders").args["where"].find(exp.In) is not None
    assert cte(inner, "totals").args["where"].find(exp.In) is not None
    assert rows(conn, query.sql("duckdb")) == rows(conn, whole_then_filtered(sql))


# the Olist category mart's shape: one CTE joining facts to a lookup, read by two aggregates
# that both group by the key
TWO_READERS = """
WITH person_orders AS (
    SELECT c.person_id, o.order_id, o.amount FROM orders o JOIN customers c ON c.customer_id = o.customer_id
),
spent AS (
    SELECT po.person_id, SUM(po.amount) AS spent FROM person_orders po GROUP BY po.person_id
),
counted AS (
    SELECT po.person_id, COUNT(DISTINCT po.order_id) AS n FROM person_orders po GROUP BY po.person_id
)
SELECT s.person_id, s.spent, n.n
FROM spent s
LEFT JOIN counted n ON n.person_id = s.person_id
"""


def test_a_cte_every_reader_restricts_by_the_key_is_restricted_itself(conn):
    query = scoped(TWO_READERS)
    inner = query.find(exp.Subquery).this
    # read twice, but both readers keep only the affected persons' rows: so does person_orders,
    # where the rows are read (a database materialises a CTE read twice, filters after)
    assert cte(inner, "person_orders").args["where"].find(exp.In) is not None
    assert rows(conn, query.sql("duckdb")) == rows(conn, whole_then_filtered(TWO_READERS))
    assert len(rows(conn, query.sql("duckdb"))) == 2


def test_a_cte_one_reader_needs_whole_keeps_all_its_rows(conn):
    # `counted` also reads person_orders for the other persons of each person's zip codes: that
    # reading needs everyone's rows, so person_orders stays whole though both readers restrict
    sql = TWO_READERS.replace(
        "SELECT c.person_id, o.order_id, o.amount", "SELECT c.person_id, c.zip, o.order_id, o.amount"
    ).replace(
        "SELECT po.person_id, COUNT(DISTINCT po.order_id) AS n FROM person_orders po GROUP BY po.person_id",
        "SELECT po.person_id, COUNT(DISTINCT other.person_id) AS n FROM person_orders po "
        "JOIN person_orders other ON other.zip = po.zip GROUP BY po.person_id",
    )
    assert sql != TWO_READERS
    query = scoped(sql)
    inner = query.find(exp.Subquery).this
    assert cte(inner, "person_orders").args.get("where") is None
    assert rows(conn, query.sql("duckdb")) == rows(conn, whole_then_filtered(sql))
    assert {r[2] for r in rows(conn, query.sql("duckdb"))} == {7}  # every person shares a zip with p1 or p4


def test_a_window_over_another_column_reads_whole_partitions_of_the_affected_keys(conn):
    # each order's rank among its person's orders: the scoped SELECT keeps the whole partitions
    # (the affected orders' persons), never a WHERE on the key under the window
    sql = """
    SELECT c.person_id, o.order_id, ROW_NUMBER() OVER (PARTITION BY c.person_id ORDER BY o.ordered_at) AS nth
    FROM customers c JOIN orders o ON o.customer_id = c.customer_id
    """
    query = sqlglot.parse_one(sql, read=SOURCE_DIALECT)
    scope = key_scope(query, ("person_id",), ("orders", "customers"))
    assert scope is not None and not scope.unsound
    scoped_sql = scoped_query(query.copy(), scope, MODEL).sql("duckdb")
    assert rows(conn, scoped_sql) == rows(conn, whole_then_filtered(sql))
    # keyed by order, the window over the order's own customer_id column: whole partitions of
    # the affected orders' customers, filtered before the window on customer_id, not on the key
    by_order = sqlglot.parse_one(
        sql.replace("SELECT c.person_id, o.order_id", "SELECT o.order_id, c.person_id").replace(
            "PARTITION BY c.person_id", "PARTITION BY o.customer_id"
        )
    )
    order_scope = key_scope(by_order, ("order_id",), ("orders", "customers"))
    assert order_scope is not None and not order_scope.unsound, order_scope
    conn.execute(f"CREATE OR REPLACE TABLE {affected_name(MODEL)} AS SELECT * FROM (VALUES ('o3'), ('o50')) v(__k)")
    narrowed = scoped_query(by_order.copy(), order_scope, MODEL)
    inner = narrowed.find(exp.Subquery).this
    where = inner.args["where"].this.unnest()  # the partitions reached, the NULL one with them
    assert isinstance(where, exp.Or) and isinstance(where.this, exp.In), where.sql()
    assert where.this.this.sql() == "o.customer_id", where.sql()
    whole = f"SELECT * FROM ({by_order.sql('duckdb')}) w WHERE w.order_id IN (SELECT __k FROM {affected_name(MODEL)})"
    assert rows(conn, narrowed.sql("duckdb")) == rows(conn, whole) and len(rows(conn, whole)) == 2


@pytest.mark.parametrize("target", ["duckdb", "redshift"])
def test_each_hop_of_a_key_path_reads_its_input_with_values_kept_in_a_table_on_duckdb(target):
    """fact_reviews' keys reach it from customers through orders (two hops). On DuckDB the values
    reaching each hop are a temporary table made first (its planner then builds the join on the
    few keys, not on the million-row input); every hop table is dropped once the keys are known.
    Redshift keeps the subqueries (a temporary table is a catalog write there)."""
    from tests.conftest import OLIST
    from tests.support.duck import compile_fixture

    _, manifest = compile_fixture(OLIST, target)
    sql = [s.sql for s in manifest.step("build:fact_reviews").scoped]
    made = [i for i, s in enumerate(sql) if s.startswith("CREATE TEMPORARY TABLE __hop_fact_reviews_")]
    (affected,) = [i for i, s in enumerate(sql) if s.startswith("CREATE TEMPORARY TABLE __affected_fact_reviews")]
    if target == "redshift":
        assert made == [] and not any("__hop_" in s for s in sql)
        return
    assert len(made) >= 3 and max(made) < affected
    names = [sql[i].split()[3] for i in made]
    for later, name in enumerate(names):  # each hop reads its input with the values a table keeps
        assert any(f"FROM {name}" in s for s in sql[made[later] + 1 : affected + 1]), name
    body = sqlglot.parse_one(sql[affected], read="duckdb")
    for subquery in body.find_all(exp.In):  # no nested scan of a base table feeds a hop
        (table,) = subquery.args["query"].find_all(exp.Table)
        assert table.name.startswith("__hop_fact_reviews_"), subquery.sql()
    dropped = [s.split()[-1] for s in sql[affected + 1 :] if s.startswith("DROP TABLE IF EXISTS __hop_")]
    assert sorted(dropped) == sorted(names)
