-- step build:mart_customer_360
-- after: check:mart_customer_profile, check:fact_orders
BEGIN;

-- drop the view (its columns may have changed)
DROP VIEW IF EXISTS mart.mart_customer_360;

-- create the view
CREATE VIEW mart.mart_customer_360 AS
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
  ), dated AS (
    SELECT
      p.customer_unique_id AS customer_unique_id,
      p.customer_sk AS customer_sk,
      p.zip_code_prefix AS zip_code_prefix,
      p.city AS city,
      p.state AS state,
      p.lat AS lat,
      p.lng AS lng,
      p.first_order_ts AS first_order_ts,
      p.last_order_ts AS last_order_ts,
      p.orders_count AS orders_count,
      p.delivered_orders AS delivered_orders,
      p.canceled_orders AS canceled_orders,
      p.items_count AS items_count,
      p.total_spent AS total_spent,
      p.reviewed_orders AS reviewed_orders,
      p.avg_review_score AS avg_review_score,
      p.favourite_category AS favourite_category,
      p.preferred_payment_type AS preferred_payment_type,
      CAST(DATEDIFF(DAY, CAST(p.last_order_ts AS DATE), a.as_of_date) AS INTEGER) AS recency_days,
      CAST(DATEDIFF(DAY, CAST(p.first_order_ts AS DATE), a.as_of_date) AS INTEGER) AS tenure_days
    FROM mart.mart_customer_profile AS p
    CROSS JOIN as_of AS a
  )
  SELECT
    dated.customer_unique_id AS customer_unique_id,
    dated.customer_sk AS customer_sk,
    dated.zip_code_prefix AS zip_code_prefix,
    dated.city AS city,
    dated.state AS state,
    dated.lat AS lat,
    dated.lng AS lng,
    dated.first_order_ts AS first_order_ts,
    dated.last_order_ts AS last_order_ts,
    dated.orders_count AS orders_count,
    dated.delivered_orders AS delivered_orders,
    dated.canceled_orders AS canceled_orders,
    dated.items_count AS items_count,
    dated.total_spent AS total_spent,
    dated.reviewed_orders AS reviewed_orders,
    dated.avg_review_score AS avg_review_score,
    dated.favourite_category AS favourite_category,
    dated.preferred_payment_type AS preferred_payment_type,
    dated.recency_days AS recency_days,
    dated.tenure_days AS tenure_days,
    CASE
      WHEN dated.delivered_orders = 0
      THEN 'never_delivered'
      WHEN dated.recency_days > 365
      THEN 'lost'
      WHEN dated.delivered_orders >= 2 AND dated.recency_days <= 180
      THEN 'champion'
      WHEN dated.delivered_orders >= 2
      THEN 'loyal'
      WHEN dated.tenure_days <= 90
      THEN 'new'
      ELSE 'at_risk'
    END AS segment
  FROM dated AS dated
) AS __q WITH NO SCHEMA BINDING;

COMMIT;
