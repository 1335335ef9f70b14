"""Every query the dashboard runs, each written once (Redshift dialect; see sql.py), by page.

Conventions, so the text renders correctly on DuckDB, PostgreSQL and Redshift alike:
- Parameters: :start / :end (purchase dates, inclusive), :prev_start / :prev_end (the
  previous period of the same length), :states (list; empty = all states), others per page.
- The state filter is the delivery state of the order: the dim_customer version valid at
  purchase, which fact_orders carries as customer_state (and the person as
  customer_unique_id); fact_order_items carries its product's category_name. Questions about
  persons, states and categories read these columns rather than join ~1 M fact rows to a
  dimension on 32-character hash keys.
- Every text is one constant string: no SQL assembled with f-strings (a fragment shared by
  several queries is repeated in each; filters that may be off are dropped by sql.py).
- Sums and counts only; ratios are computed in Python (no integer `/`, whose meaning differs
  between Redshift and DuckDB); AVG only over a value cast to DOUBLE PRECISION.
- No `%` in the text (psycopg's pyformat would read it as a placeholder) and no `FILTER`
  clauses (Redshift has none).
"""

from __future__ import annotations

from dashboard.sql import Query

# -- filters: their bounds -------------------------------------------------------------------------
BOUNDS = Query(
    "bounds",
    """
    SELECT MIN(date_key) AS first_date, MAX(date_key) AS last_date, COUNT(*) AS orders FROM fact_orders
""",
    "The purchase-date range of the data, for the date filter.",
)

STATES = Query(
    "states",
    """
    SELECT DISTINCT state FROM dim_customer ORDER BY state
""",
    "Every state a customer ever lived in, for the state filter.",
)

MONTHLY_ORDERS = Query(
    "monthly_orders",
    """
    SELECT DATE_TRUNC('month', date_key) AS month, COUNT(*) AS orders FROM fact_orders GROUP BY 1 ORDER BY 1
""",
    "Orders per purchase month, for the default date window (without the near-empty months at the ends).",
)

# -- overview --------------------------------------------------------------------------------------
OVERVIEW_KPIS = Query(
    "overview_kpis",
    """
    SELECT CASE WHEN o.date_key >= :start THEN 'current' ELSE 'previous' END AS period,
           COUNT(*) AS orders,
           SUM(o.items_total) AS revenue,
           SUM(o.freight_total) AS freight,
           SUM(o.payment_total) AS payments,
           COUNT(DISTINCT o.customer_unique_id) AS customers,
           SUM(CASE WHEN o.is_late IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
           SUM(CASE WHEN o.is_late = FALSE THEN 1 ELSE 0 END) AS on_time,
           COUNT(o.review_score) AS reviewed,
           SUM(o.review_score) AS review_points
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :prev_start AND :end
      AND o.customer_state IN (:states)
    GROUP BY 1
""",
    "The headline figures of the period and of the previous one (for the deltas).",
)

OVERVIEW_MONTHLY = Query(
    "overview_monthly",
    """
    SELECT DATE_TRUNC('month', o.date_key) AS month, COUNT(*) AS orders, SUM(o.items_total) AS revenue
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.customer_state IN (:states)
    GROUP BY 1
    ORDER BY 1
""",
    "Revenue and orders per month of the period.",
)

OVERVIEW_STATES = Query(
    "overview_states",
    """
    SELECT o.customer_state AS state, COUNT(*) AS orders, SUM(o.items_total) AS revenue
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.customer_state IN (:states)
    GROUP BY 1
    ORDER BY revenue DESC, o.customer_state
""",
    "Revenue and orders per delivery state.",
)

# -- revenue trends --------------------------------------------------------------------------------
TRENDS_DAILY = Query(
    "trends_daily",
    """
    SELECT o.date_key AS day, COUNT(*) AS orders, SUM(o.items_total) AS revenue,
           SUM(o.freight_total) AS freight, SUM(o.payment_total) AS payments
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.customer_state IN (:states)
    GROUP BY 1
    ORDER BY 1
""",
    "Daily revenue, freight, payments and orders; weeks and months are summed from these days.",
)

# -- top customers (the Single Customer View) ------------------------------------------------------
# The period's figures come from the facts, filtered exactly as the Overview's (orders placed in
# the period, fact_orders.customer_state in the chosen states), so the persons counted here are
# the Overview's customers. What the SCV adds is each person's state *now* (segment, recency,
# current address) and lifetime totals, labelled as such on the page.
TOP_CUSTOMERS = Query(
    "top_customers",
    """
    WITH period AS (
        SELECT o.customer_unique_id, COUNT(*) AS orders,
               SUM(CASE WHEN o.order_status = 'delivered' THEN 1 ELSE 0 END) AS delivered_orders,
               SUM(o.items_total) AS revenue,
               SUM(CASE WHEN o.order_status = 'delivered' THEN o.order_total ELSE 0 END) AS spent,
               MAX(o.purchase_ts) AS last_order_ts
        FROM fact_orders AS o
        WHERE o.date_key BETWEEN :start AND :end
          AND o.customer_state IN (:states)
          AND o.customer_unique_id LIKE :id_prefix
        GROUP BY 1
    ),
    ranked AS (
        SELECT * FROM period ORDER BY spent DESC, revenue DESC, customer_unique_id LIMIT :limit
    )
    SELECT r.customer_unique_id, r.spent, r.revenue, r.orders, r.delivered_orders, r.last_order_ts,
           m.total_spent AS lifetime_spent, m.orders_count AS lifetime_orders, m.recency_days, m.segment,
           m.favourite_category, m.city, m.state
    FROM ranked AS r
    LEFT JOIN mart_customer_360 AS m ON m.customer_unique_id = r.customer_unique_id
    ORDER BY r.spent DESC, r.revenue DESC, r.customer_unique_id
""",
    "The persons who ordered in the period (delivery state on the order in the chosen states), ranked "
    "by what their delivered orders of the period cost (items + freight: the SCV's total_spent, cut to "
    "the period), with their current SCV row; optionally by id prefix. Ranked before the SCV join.",
)

CUSTOMER_SEGMENTS = Query(
    "customer_segments",
    """
    WITH period AS (
        SELECT o.customer_unique_id, COUNT(*) AS orders, SUM(o.items_total) AS revenue,
               SUM(CASE WHEN o.order_status = 'delivered' THEN o.order_total ELSE 0 END) AS spent
        FROM fact_orders AS o
        WHERE o.date_key BETWEEN :start AND :end
          AND o.customer_state IN (:states)
        GROUP BY 1
    )
    SELECT m.segment, COUNT(*) AS customers, SUM(p.orders) AS orders, SUM(p.revenue) AS revenue,
           SUM(p.spent) AS spent, SUM(CASE WHEN p.orders >= 2 THEN 1 ELSE 0 END) AS repeat_customers
    FROM period AS p
    LEFT JOIN mart_customer_360 AS m ON m.customer_unique_id = p.customer_unique_id
    GROUP BY 1
    ORDER BY spent DESC, m.segment
""",
    "The same persons per current segment: how many, their orders, revenue (item prices, any status, "
    "as on the Overview) and delivered spend in the period, and how many ordered twice or more in it.",
)

# -- customer profile ------------------------------------------------------------------------------
TOP_SPENDER = Query(
    "top_spender",
    """
    SELECT customer_unique_id FROM mart_customer_360 ORDER BY total_spent DESC, customer_unique_id LIMIT 1
""",
    "The profile shown when none is asked for.",
)

PROFILE_SCV = Query(
    "profile_scv",
    """
    SELECT * FROM mart_customer_360 WHERE customer_unique_id = :customer
""",
    "The person's Single Customer View row.",
)

PROFILE_ADDRESSES = Query(
    "profile_addresses",
    """
    SELECT valid_from, valid_to, is_current, zip_code_prefix, city, state, lat, lng
    FROM dim_customer
    WHERE customer_unique_id = :customer
    ORDER BY valid_from
""",
    "Address history: the SCD2 versions of the person in dim_customer.",
)

PROFILE_ORDERS = Query(
    "profile_orders",
    """
    SELECT o.order_id, o.purchase_ts, o.order_status, o.items_count, o.items_total, o.freight_total,
           o.order_total, o.payment_total, o.main_payment_type, o.delivery_days, o.is_late, o.review_score,
           c.city, c.state
    FROM fact_orders AS o
    JOIN dim_customer AS c ON c.customer_sk = o.customer_sk
    WHERE c.customer_unique_id = :customer
    ORDER BY o.purchase_ts DESC, o.order_id
""",
    "The person's orders, with the address each was delivered to.",
)

PROFILE_REVIEWS = Query(
    "profile_reviews",
    """
    SELECT r.created_ts, r.review_score, r.comment_title, r.comment_message, r.order_id, r.answered_ts
    FROM fact_reviews AS r
    JOIN dim_customer AS c ON c.customer_sk = r.customer_sk
    WHERE c.customer_unique_id = :customer
    ORDER BY r.created_ts DESC, r.review_id
""",
    "The person's reviews.",
)

# -- product performance ---------------------------------------------------------------------------
CATEGORY_MONTHLY = Query(
    "category_monthly",
    """
    WITH items AS (
        SELECT i.category_name, DATE_TRUNC('month', i.date_key) AS month, i.order_id, i.price,
               o.items_count, o.review_score
        FROM fact_order_items AS i
        JOIN fact_orders AS o ON o.order_id = i.order_id
        WHERE i.date_key BETWEEN :start AND :end
          AND o.date_key BETWEEN :start AND :end
          AND o.customer_state IN (:states)
    ),
    category_orders AS (
        SELECT category_name, month, 1 AS items, price AS revenue, review_score
        FROM items
        WHERE items_count = 1
        UNION ALL
        SELECT category_name, month, COUNT(*) AS items, SUM(price) AS revenue, MAX(review_score) AS review_score
        FROM items
        WHERE items_count <> 1
        GROUP BY category_name, month, order_id
    )
    SELECT category_name, month, SUM(items) AS items, SUM(revenue) AS revenue,
           COUNT(*) AS orders, COUNT(review_score) AS reviewed_orders, SUM(review_score) AS review_points
    FROM category_orders
    GROUP BY 1, 2
""",
    "Per category and month: items, revenue (item prices), orders, and the latest review score of "
    "each order containing the category (summed once per order, as mart_category_monthly does). "
    "An order and its items share the purchase date, so both facts are cut to the period before "
    "the join; an item of a one-item order (items_count = 1) is a category-order by itself, so "
    "only the items of the other orders (~1 in 5) are grouped per order: grouping all ~700 k "
    "32-character order ids cost more than the join.",
)

TOP_PRODUCTS = Query(
    "top_products",
    """
    WITH ranked AS (
        SELECT i.product_sk, COUNT(*) AS items, SUM(i.price) AS revenue
        FROM fact_order_items AS i
        WHERE i.date_key BETWEEN :start AND :end
          AND i.order_id IN (SELECT order_id FROM fact_orders
                             WHERE date_key BETWEEN :start AND :end AND customer_state IN (:states))
        GROUP BY 1
        ORDER BY revenue DESC, i.product_sk
        LIMIT :limit
    )
    SELECT p.product_id, p.category_name, r.items, r.revenue
    FROM ranked AS r
    JOIN dim_product AS p ON p.product_sk = r.product_sk
    ORDER BY r.revenue DESC, p.product_id
""",
    "Best-selling products by revenue (ranked before the product join, which then touches 20 rows); "
    "the state filter takes the orders of fact_orders.customer_state.",
)

# -- delivery --------------------------------------------------------------------------------------
DELIVERY_BY_STATE = Query(
    "delivery_by_state",
    """
    SELECT o.customer_state AS state, COUNT(*) AS delivered,
           SUM(CASE WHEN o.is_late THEN 1 ELSE 0 END) AS late, SUM(o.delivery_days) AS delivery_days
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.is_late IS NOT NULL
      AND o.customer_state IN (:states)
    GROUP BY 1
""",
    "Delivered orders, late ones and delivery days per delivery state.",
)

DELIVERY_BY_MONTH = Query(
    "delivery_by_month",
    """
    SELECT DATE_TRUNC('month', o.date_key) AS month, COUNT(*) AS delivered,
           SUM(CASE WHEN o.is_late THEN 1 ELSE 0 END) AS late, SUM(o.delivery_days) AS delivery_days
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.is_late IS NOT NULL
      AND o.customer_state IN (:states)
    GROUP BY 1
    ORDER BY 1
""",
    "Delivered orders, late ones and delivery days per purchase month.",
)

DELIVERY_DAYS = Query(
    "delivery_days",
    """
    SELECT o.delivery_days, COUNT(*) AS orders, SUM(CASE WHEN o.is_late THEN 1 ELSE 0 END) AS late
    FROM fact_orders AS o
    WHERE o.date_key BETWEEN :start AND :end
      AND o.is_late IS NOT NULL
      AND o.customer_state IN (:states)
    GROUP BY 1
    ORDER BY 1
""",
    "How many delivered orders took each number of days.",
)

# -- pipeline health (the framework's own tables) --------------------------------------------------
RUNS = Query(
    "runs",
    """
    SELECT run_id, MIN(started_at) AS started_at, SUM(duration_ms) AS step_ms, COUNT(*) AS steps,
           SUM(COALESCE(rows_inserted, 0)) AS rows_inserted, SUM(COALESCE(rows_updated, 0)) AS rows_updated,
           SUM(COALESCE(rows_expired, 0)) AS rows_expired, SUM(COALESCE(rows_rejected, 0)) AS rows_rejected,
           SUM(CASE WHEN step_kind = 'check' AND status = 'failed' THEN 1 ELSE 0 END) AS failed_checks,
           SUM(CASE WHEN step_kind = 'check' AND status = 'warned' THEN 1 ELSE 0 END) AS warned_checks,
           SUM(CASE WHEN status IN ('failed', 'skipped') THEN 1 ELSE 0 END) AS failed_steps
    FROM run_log
    WHERE pipeline = :pipeline
    GROUP BY 1
    ORDER BY started_at DESC, run_id DESC
    LIMIT :limit
""",
    "The latest runs: step time, rows, rejects and failed checks.",
)

RUN_PROBLEMS = Query(
    "run_problems",
    """
    SELECT started_at, run_id, step, status, error
    FROM run_log
    WHERE pipeline = :pipeline AND status IN ('failed', 'warned', 'skipped')
    ORDER BY started_at DESC, step
    LIMIT :limit
""",
    "The latest failed, skipped and warned steps with their error text.",
)

LAST_RUN_STEPS = Query(
    "last_run_steps",
    """
    SELECT step, status, duration_ms, rows_inserted, rows_updated, rows_expired, rows_rejected
    FROM run_log
    WHERE pipeline = :pipeline
      AND run_id = (SELECT MAX(run_id) FROM run_log WHERE pipeline = :pipeline)
    ORDER BY started_at, step
""",
    "The steps of the latest run (run ids start with their UTC start time, so the greatest is the latest).",
)

SOURCE_FRESHNESS = Query(
    "source_freshness",
    """
    SELECT source, MAX(loaded_at) AS last_loaded_at, MAX(batch_date) AS last_batch_date,
           COUNT(*) AS files, SUM(row_count) AS rows_loaded
    FROM file_ledger
    WHERE pipeline = :pipeline
    GROUP BY 1
    ORDER BY 1
""",
    "When each source last brought a file, from the load ledger.",
)

LATEST_REJECTS = Query(
    "latest_rejects",
    """
    SELECT batch_date, source, path, line, column_name, kind, reason, raw
    FROM rejects
    WHERE pipeline = :pipeline
    ORDER BY batch_date DESC, source, path, line
    LIMIT :limit
""",
    "The latest rows that did not load: where they were, why, and their text.",
)

# -- pages: what each one runs ---------------------------------------------------------------------
PAGES: dict[str, tuple[Query, ...]] = {
    "overview": (OVERVIEW_KPIS, OVERVIEW_MONTHLY, OVERVIEW_STATES),
    "trends": (TRENDS_DAILY,),
    "customers": (TOP_CUSTOMERS, CUSTOMER_SEGMENTS),
    "profile": (PROFILE_SCV, PROFILE_ADDRESSES, PROFILE_ORDERS, PROFILE_REVIEWS),
    "products": (CATEGORY_MONTHLY, TOP_PRODUCTS),
    "delivery": (DELIVERY_BY_STATE, DELIVERY_BY_MONTH, DELIVERY_DAYS),
    "health": (RUNS, LAST_RUN_STEPS, RUN_PROBLEMS, SOURCE_FRESHNESS, LATEST_REJECTS),
}
FILTER_BOUNDS = (BOUNDS, STATES, MONTHLY_ORDERS)
PROFILE_DEFAULT = (TOP_SPENDER,)
ALL = FILTER_BOUNDS + PROFILE_DEFAULT + tuple(q for queries in PAGES.values() for q in queries)
