-- step build:mart_customer_360
-- after: table:mart_customer_360, check:dim_customer, check:dim_product, check:fact_orders, check:fact_order_items, check:fact_payments
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_customer_360;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_customer_360 AS
SELECT
  __q.customer_unique_id,
  __q.customer_sk,
  __q.zip_code_prefix,
  __q.city,
  __q.state,
  __q.lat,
  __q.lng,
  __q.first_order_ts,
  __q.last_order_ts,
  __q.orders_count,
  __q.delivered_orders,
  __q.canceled_orders,
  __q.items_count,
  __q.total_spent,
  __q.reviewed_orders,
  __q.avg_review_score,
  __q.favourite_category,
  __q.preferred_payment_type,
  __q.recency_days,
  __q.tenure_days,
  __q.segment
FROM (
  WITH as_of AS (
    SELECT
      CAST(MAX(fact_orders.purchase_ts) AS DATE) AS as_of_date
    FROM dwh.fact_orders AS fact_orders
  ), person_orders AS (
    SELECT
      dc.customer_unique_id AS customer_unique_id,
      fo.order_id AS order_id,
      fo.order_status AS order_status,
      fo.purchase_ts AS purchase_ts,
      fo.items_count AS items_count,
      fo.order_total AS order_total,
      fo.review_score AS review_score
    FROM dwh.fact_orders AS fo
    JOIN dwh.dim_customer AS dc
      ON dc.customer_sk = fo.customer_sk
  ), order_stats AS (
    SELECT
      person_orders.customer_unique_id AS customer_unique_id,
      MIN(person_orders.purchase_ts) AS first_order_ts,
      MAX(person_orders.purchase_ts) AS last_order_ts,
      COUNT(*) AS orders_count,
      SUM(CASE WHEN person_orders.order_status = 'delivered' THEN 1 ELSE 0 END) AS delivered_orders,
      SUM(
        CASE
          WHEN person_orders.order_status IN ('canceled', 'unavailable')
          THEN 1
          ELSE 0
        END
      ) AS canceled_orders,
      SUM(person_orders.items_count) AS items_count,
      SUM(
        CASE
          WHEN person_orders.order_status = 'delivered'
          THEN person_orders.order_total
          ELSE 0
        END
      ) AS total_spent,
      COUNT(person_orders.review_score) AS reviewed_orders,
      SUM(person_orders.review_score) AS review_score_sum
    FROM person_orders AS person_orders
    GROUP BY
      person_orders.customer_unique_id
  ), category_items AS (
    SELECT
      dc.customer_unique_id AS customer_unique_id,
      dp.category_name AS category_name,
      COUNT(*) AS items
    FROM dwh.fact_order_items AS foi
    JOIN dwh.dim_customer AS dc
      ON dc.customer_sk = foi.customer_sk
    JOIN dwh.dim_product AS dp
      ON dp.product_sk = foi.product_sk
    GROUP BY
      dc.customer_unique_id,
      dp.category_name
  ), favourite_category AS (
    SELECT
      category_items.customer_unique_id AS customer_unique_id,
      category_items.category_name AS category_name,
      ROW_NUMBER() OVER (
        PARTITION BY category_items.customer_unique_id
        ORDER BY category_items.items DESC NULLS FIRST, category_items.category_name ASC
      ) AS rn
    FROM category_items AS category_items
  ), payment_type_totals AS (
    SELECT
      dc.customer_unique_id AS customer_unique_id,
      fp.payment_type AS payment_type,
      SUM(fp.payment_value) AS paid_value
    FROM dwh.fact_payments AS fp
    JOIN dwh.dim_customer AS dc
      ON dc.customer_sk = fp.customer_sk
    GROUP BY
      dc.customer_unique_id,
      fp.payment_type
  ), preferred_payment AS (
    SELECT
      payment_type_totals.customer_unique_id AS customer_unique_id,
      payment_type_totals.payment_type AS payment_type,
      ROW_NUMBER() OVER (
        PARTITION BY payment_type_totals.customer_unique_id
        ORDER BY payment_type_totals.paid_value DESC NULLS FIRST, payment_type_totals.payment_type ASC
      ) AS rn
    FROM payment_type_totals AS payment_type_totals
  ), scored AS (
    SELECT
      cur.customer_unique_id AS customer_unique_id,
      cur.customer_sk AS customer_sk,
      cur.zip_code_prefix AS zip_code_prefix,
      cur.city AS city,
      cur.state AS state,
      cur.lat AS lat,
      cur.lng AS lng,
      s.first_order_ts AS first_order_ts,
      s.last_order_ts AS last_order_ts,
      CAST(s.orders_count AS INT) AS orders_count,
      CAST(s.delivered_orders AS INT) AS delivered_orders,
      CAST(s.canceled_orders AS INT) AS canceled_orders,
      CAST(s.items_count AS INT) AS items_count,
      CAST(s.total_spent AS DECIMAL(14, 2)) AS total_spent,
      CAST(s.reviewed_orders AS INT) AS reviewed_orders,
      CAST(ROUND(
        CAST(CAST(s.review_score_sum AS DECIMAL(18, 4)) / NULLIF(s.reviewed_orders, 0) AS DECIMAL(24, 8)),
        2
      ) AS DECIMAL(4, 2)) AS avg_review_score,
      fc.category_name AS favourite_category,
      pp.payment_type AS preferred_payment_type,
      CAST(DATE_DIFF(
        'DAY',
        CAST(CAST(s.last_order_ts AS DATE) AS TIMESTAMP),
        CAST(a.as_of_date AS TIMESTAMP)
      ) AS INT) AS recency_days,
      CAST(DATE_DIFF(
        'DAY',
        CAST(CAST(s.first_order_ts AS DATE) AS TIMESTAMP),
        CAST(a.as_of_date AS TIMESTAMP)
      ) AS INT) AS tenure_days
    FROM dwh.dim_customer AS cur
    JOIN order_stats AS s
      ON s.customer_unique_id = cur.customer_unique_id
    CROSS JOIN as_of AS a
    LEFT JOIN favourite_category AS fc
      ON fc.customer_unique_id = cur.customer_unique_id AND fc.rn = 1
    LEFT JOIN preferred_payment AS pp
      ON pp.customer_unique_id = cur.customer_unique_id AND pp.rn = 1
    WHERE
      cur.is_current
  )
  SELECT
    scored.customer_unique_id AS customer_unique_id,
    scored.customer_sk AS customer_sk,
    scored.zip_code_prefix AS zip_code_prefix,
    scored.city AS city,
    scored.state AS state,
    scored.lat AS lat,
    scored.lng AS lng,
    scored.first_order_ts AS first_order_ts,
    scored.last_order_ts AS last_order_ts,
    scored.orders_count AS orders_count,
    scored.delivered_orders AS delivered_orders,
    scored.canceled_orders AS canceled_orders,
    scored.items_count AS items_count,
    scored.total_spent AS total_spent,
    scored.reviewed_orders AS reviewed_orders,
    scored.avg_review_score AS avg_review_score,
    scored.favourite_category AS favourite_category,
    scored.preferred_payment_type AS preferred_payment_type,
    scored.recency_days AS recency_days,
    scored.tenure_days AS tenure_days,
    CASE
      WHEN scored.delivered_orders = 0
      THEN 'never_delivered'
      WHEN scored.recency_days > 365
      THEN 'lost'
      WHEN scored.delivered_orders >= 2 AND scored.recency_days <= 180
      THEN 'champion'
      WHEN scored.delivered_orders >= 2
      THEN 'loyal'
      WHEN scored.tenure_days <= 90
      THEN 'new'
      ELSE 'at_risk'
    END AS segment
  FROM scored AS scored
) AS __q;

-- guard: must return 0, else fail with: the SELECT of 'mart_customer_360' returned several rows for one key (customer_unique_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    customer_unique_id
  FROM __src_mart_customer_360
  GROUP BY
    customer_unique_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM mart.mart_customer_360;

-- fill the table
INSERT INTO mart.mart_customer_360 (
  customer_unique_id,
  customer_sk,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  first_order_ts,
  last_order_ts,
  orders_count,
  delivered_orders,
  canceled_orders,
  items_count,
  total_spent,
  reviewed_orders,
  avg_review_score,
  favourite_category,
  preferred_payment_type,
  recency_days,
  tenure_days,
  segment
)
SELECT
  customer_unique_id,
  customer_sk,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  first_order_ts,
  last_order_ts,
  orders_count,
  delivered_orders,
  canceled_orders,
  items_count,
  total_spent,
  reviewed_orders,
  avg_review_score,
  favourite_category,
  preferred_payment_type,
  recency_days,
  tenure_days,
  segment
FROM __src_mart_customer_360;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_customer_360;

COMMIT;
