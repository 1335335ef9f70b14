-- mart_category_monthly: one row per reporting category and purchase month.
-- Gross figures: items of every order status count.
WITH category_items AS (
    SELECT
        dp.category_name,
        d.year_month,
        d.month_start,
        foi.order_id,
        foi.price,
        foi.freight_value
    FROM fact_order_items foi
    JOIN dim_product dp
      ON dp.product_sk = foi.product_sk
    JOIN dim_date d
      ON d.date_key = foi.date_key
),
sales AS (
    SELECT
        category_name,
        year_month,
        month_start,
        COUNT(DISTINCT order_id) AS orders,
        COUNT(*) AS items,
        SUM(price) AS revenue,
        SUM(freight_value) AS freight
    FROM category_items
    GROUP BY category_name, year_month, month_start
),
category_orders AS (
    SELECT DISTINCT category_name, year_month, order_id
    FROM category_items
),
reviews AS (
    -- each order counts once per category, with its latest review score
    SELECT
        co.category_name,
        co.year_month,
        COUNT(fo.review_score) AS reviewed_orders,
        SUM(fo.review_score) AS review_score_sum
    FROM category_orders co
    JOIN fact_orders fo
      ON fo.order_id = co.order_id
    GROUP BY co.category_name, co.year_month
)
SELECT
    s.category_name,
    s.year_month,
    s.month_start,
    CAST(s.orders AS INTEGER) AS orders,
    CAST(s.items AS INTEGER) AS items,
    CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
    CAST(s.freight AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(r.reviewed_orders, 0) AS INTEGER) AS reviewed_orders,
    -- decimal division fixed to 8 decimals, then half-up to 2: same result on both engines
    CAST(ROUND(CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) / NULLIF(r.reviewed_orders, 0) AS DECIMAL(24, 8)), 2) AS DECIMAL(4, 2)) AS avg_review_score
FROM sales s
LEFT JOIN reviews r
  ON r.category_name = s.category_name
 AND r.year_month = s.year_month
