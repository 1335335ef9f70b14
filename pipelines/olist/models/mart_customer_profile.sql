-- mart_customer_profile: one row per person (customer_unique_id): current address, order
-- history, spend, satisfaction and preferences. Everything here depends on that person's rows
-- only, so a batch rebuilds just the persons it touched (incremental, key-scoped). What depends
-- on the whole data set — recency against the as-of date, the segment — is mart_customer_360,
-- a view over this table.
WITH person_orders AS (
    SELECT
        dc.customer_unique_id,
        fo.order_id,
        fo.order_status,
        fo.purchase_ts,
        fo.items_count,
        fo.order_total,
        fo.review_score
    FROM fact_orders fo
    JOIN dim_customer dc
      ON dc.customer_sk = fo.customer_sk
),
order_stats AS (
    SELECT
        customer_unique_id,
        MIN(purchase_ts) AS first_order_ts,
        MAX(purchase_ts) AS last_order_ts,
        COUNT(*) AS orders_count,
        SUM(CASE WHEN order_status = 'delivered' THEN 1 ELSE 0 END) AS delivered_orders,
        SUM(CASE WHEN order_status IN ('canceled', 'unavailable') THEN 1 ELSE 0 END) AS canceled_orders,
        SUM(items_count) AS items_count,
        SUM(CASE WHEN order_status = 'delivered' THEN order_total ELSE 0 END) AS total_spent,
        COUNT(review_score) AS reviewed_orders,
        SUM(review_score) AS review_score_sum
    FROM person_orders
    GROUP BY customer_unique_id
),
category_items AS (
    SELECT
        dc.customer_unique_id,
        dp.category_name,
        COUNT(*) AS items
    FROM fact_order_items foi
    JOIN dim_customer dc
      ON dc.customer_sk = foi.customer_sk
    JOIN dim_product dp
      ON dp.product_sk = foi.product_sk
    GROUP BY dc.customer_unique_id, dp.category_name
),
favourite_category AS (
    -- most items; ties go to the alphabetically first category
    SELECT
        customer_unique_id,
        category_name,
        ROW_NUMBER() OVER (
            PARTITION BY customer_unique_id
            ORDER BY items DESC, category_name ASC
        ) AS rn
    FROM category_items
),
payment_type_totals AS (
    SELECT
        dc.customer_unique_id,
        fp.payment_type,
        SUM(fp.payment_value) AS paid_value
    FROM fact_payments fp
    JOIN dim_customer dc
      ON dc.customer_sk = fp.customer_sk
    GROUP BY dc.customer_unique_id, fp.payment_type
),
preferred_payment AS (
    -- largest paid value; ties go to the alphabetically first type
    SELECT
        customer_unique_id,
        payment_type,
        ROW_NUMBER() OVER (
            PARTITION BY customer_unique_id
            ORDER BY paid_value DESC, payment_type ASC
        ) AS rn
    FROM payment_type_totals
)
SELECT
    cur.customer_unique_id,
    cur.customer_sk,
    cur.zip_code_prefix,
    cur.city,
    cur.state,
    cur.lat,
    cur.lng,
    s.first_order_ts,
    s.last_order_ts,
    CAST(s.orders_count AS INTEGER) AS orders_count,
    CAST(s.delivered_orders AS INTEGER) AS delivered_orders,
    CAST(s.canceled_orders AS INTEGER) AS canceled_orders,
    CAST(s.items_count AS INTEGER) AS items_count,
    CAST(s.total_spent AS DECIMAL(14, 2)) AS total_spent,
    CAST(s.reviewed_orders AS INTEGER) AS reviewed_orders,
    -- decimal division fixed to 8 decimals, then half-up to 2: same result on both engines
    CAST(ROUND(CAST(CAST(s.review_score_sum AS DECIMAL(18, 4)) / NULLIF(s.reviewed_orders, 0) AS DECIMAL(24, 8)), 2) AS DECIMAL(4, 2)) AS avg_review_score,
    fc.category_name AS favourite_category,
    pp.payment_type AS preferred_payment_type
FROM dim_customer cur
JOIN order_stats s
  ON s.customer_unique_id = cur.customer_unique_id
LEFT JOIN favourite_category fc
  ON fc.customer_unique_id = cur.customer_unique_id
 AND fc.rn = 1
LEFT JOIN preferred_payment pp
  ON pp.customer_unique_id = cur.customer_unique_id
 AND pp.rn = 1
WHERE cur.is_current
