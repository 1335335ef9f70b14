-- step build:mart_daily_sales
-- after: table:mart_daily_sales, check:dim_date, check:fact_orders, check:fact_order_items, check:mart_customer_profile
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_daily_sales;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_daily_sales AS
SELECT
  __q.date_key,
  __q.year_month,
  __q.day_of_week,
  __q.is_weekend,
  __q.orders,
  __q.delivered_orders,
  __q.canceled_orders,
  __q.items,
  __q.revenue,
  __q.freight,
  __q.payments,
  __q.avg_ticket,
  __q.new_customers,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  WITH bounds AS (
    SELECT
      MIN(fact_orders.date_key) AS first_date,
      MAX(fact_orders.date_key) AS last_date
    FROM dwh.fact_orders AS fact_orders
  ), orders_by_day AS (
    SELECT
      fact_orders.date_key AS date_key,
      COUNT(*) AS orders,
      SUM(CASE WHEN fact_orders.order_status = 'delivered' THEN 1 ELSE 0 END) AS delivered_orders,
      SUM(
        CASE WHEN fact_orders.order_status IN ('canceled', 'unavailable') THEN 1 ELSE 0 END
      ) AS canceled_orders,
      SUM(fact_orders.payment_total) AS payments
    FROM dwh.fact_orders AS fact_orders
    GROUP BY
      fact_orders.date_key
  ), items_by_day AS (
    SELECT
      fact_order_items.date_key AS date_key,
      COUNT(*) AS items,
      SUM(fact_order_items.price) AS revenue,
      SUM(fact_order_items.freight_value) AS freight
    FROM dwh.fact_order_items AS fact_order_items
    GROUP BY
      fact_order_items.date_key
  ), new_customers_by_day AS (
    SELECT
      CAST(mart_customer_profile.first_order_ts AS DATE) AS date_key,
      COUNT(*) AS new_customers
    FROM mart.mart_customer_profile AS mart_customer_profile
    GROUP BY
      CAST(mart_customer_profile.first_order_ts AS DATE)
  )
  SELECT
    d.date_key AS date_key,
    d.year_month AS year_month,
    d.day_of_week AS day_of_week,
    d.is_weekend AS is_weekend,
    CAST(COALESCE(o.orders, 0) AS INT) AS orders,
    CAST(COALESCE(o.delivered_orders, 0) AS INT) AS delivered_orders,
    CAST(COALESCE(o.canceled_orders, 0) AS INT) AS canceled_orders,
    CAST(COALESCE(i.items, 0) AS INT) AS items,
    CAST(COALESCE(i.revenue, 0) AS DECIMAL(14, 2)) AS revenue,
    CAST(COALESCE(i.freight, 0) AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(o.payments, 0) AS DECIMAL(14, 2)) AS payments,
    CASE
      WHEN COALESCE(o.orders, 0) = 0
      THEN NULL
      ELSE CAST(ROUND(
        CAST(CAST(CAST(o.payments AS DECIMAL(18, 2)) / o.orders AS DECIMAL(38, 22)) AS DECIMAL(24, 8)),
        2
      ) AS DECIMAL(14, 2))
    END AS avg_ticket,
    CAST(COALESCE(n.new_customers, 0) AS INT) AS new_customers
  FROM dwh.dim_date AS d
  CROSS JOIN bounds AS b
  LEFT JOIN orders_by_day AS o
    ON o.date_key = d.date_key
  LEFT JOIN items_by_day AS i
    ON i.date_key = d.date_key
  LEFT JOIN new_customers_by_day AS n
    ON n.date_key = d.date_key
  WHERE
    d.date_key BETWEEN b.first_date AND b.last_date
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'mart_daily_sales' returned several rows for one key (date_key)
SELECT
  COUNT(*)
FROM (
  SELECT
    date_key
  FROM __src_mart_daily_sales
  GROUP BY
    date_key
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM mart.mart_daily_sales;

-- fill the table
INSERT INTO mart.mart_daily_sales (
  date_key,
  year_month,
  day_of_week,
  is_weekend,
  orders,
  delivered_orders,
  canceled_orders,
  items,
  revenue,
  freight,
  payments,
  avg_ticket,
  new_customers,
  _build_seq
)
SELECT
  date_key,
  year_month,
  day_of_week,
  is_weekend,
  orders,
  delivered_orders,
  canceled_orders,
  items,
  revenue,
  freight,
  payments,
  avg_ticket,
  new_customers,
  _build_seq
FROM __src_mart_daily_sales;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_daily_sales;

COMMIT;
