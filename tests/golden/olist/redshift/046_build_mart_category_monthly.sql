-- step build:mart_category_monthly
-- after: table:mart_category_monthly, check:dim_product, check:dim_date, check:fact_order_items, check:fact_orders
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_category_monthly AS
SELECT
  __q.category_name,
  __q.year_month,
  __q.month_start,
  __q.orders,
  __q.items,
  __q.revenue,
  __q.freight,
  __q.reviewed_orders,
  __q.avg_review_score,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  WITH category_items AS (
    SELECT
      dp.category_name AS category_name,
      d.year_month AS year_month,
      d.month_start AS month_start,
      foi.order_id AS order_id,
      foi.price AS price,
      foi.freight_value AS freight_value
    FROM dwh.fact_order_items AS foi
    JOIN dwh.dim_product AS dp
      ON dp.product_sk = foi.product_sk
    JOIN dwh.dim_date AS d
      ON d.date_key = foi.date_key
  ), sales AS (
    SELECT
      category_items.category_name AS category_name,
      category_items.year_month AS year_month,
      category_items.month_start AS month_start,
      COUNT(DISTINCT category_items.order_id) AS orders,
      COUNT(*) AS items,
      SUM(category_items.price) AS revenue,
      SUM(category_items.freight_value) AS freight
    FROM category_items AS category_items
    GROUP BY
      category_items.category_name,
      category_items.year_month,
      category_items.month_start
  ), category_orders AS (
    SELECT DISTINCT
      category_items.category_name AS category_name,
      category_items.year_month AS year_month,
      category_items.order_id AS order_id
    FROM category_items AS category_items
  ), reviews AS (
    SELECT
      co.category_name AS category_name,
      co.year_month AS year_month,
      COUNT(fo.review_score) AS reviewed_orders,
      SUM(fo.review_score) AS review_score_sum
    FROM category_orders AS co
    JOIN dwh.fact_orders AS fo
      ON fo.order_id = co.order_id
    GROUP BY
      co.category_name,
      co.year_month
  )
  SELECT
    s.category_name AS category_name,
    s.year_month AS year_month,
    s.month_start AS month_start,
    CAST(s.orders AS INTEGER) AS orders,
    CAST(s.items AS INTEGER) AS items,
    CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
    CAST(s.freight AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(r.reviewed_orders, 0) AS INTEGER) AS reviewed_orders,
    CAST(ROUND(
      CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) / NULLIF(r.reviewed_orders, 0) AS DECIMAL(24, 8)),
      2
    ) AS DECIMAL(4, 2)) AS avg_review_score
  FROM sales AS s
  LEFT JOIN reviews AS r
    ON r.category_name = s.category_name AND r.year_month = s.year_month
) AS __q;

-- guard: must return 0, else fail with: the SELECT of 'mart_category_monthly' returned several rows for one key (category_name, year_month)
SELECT
  COUNT(*)
FROM (
  SELECT
    category_name,
    year_month
  FROM __src_mart_category_monthly
  GROUP BY
    category_name,
    year_month
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM mart.mart_category_monthly;

-- fill the table
INSERT INTO mart.mart_category_monthly (
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
)
SELECT
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
FROM __src_mart_category_monthly;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

COMMIT;
