-- mart_customer_360: the Single Customer View, one row per person (customer_unique_id).
-- A view: the per-person profile (mart_customer_profile, built incrementally) plus what depends
-- on the whole data set. Reproducible: recency is measured against the last purchase date in
-- the data (as_of_date), never against the clock — and since that date moves with every new
-- order, every person's recency moves with it: computed when read, not stored.
WITH as_of AS (
    SELECT CAST(MAX(purchase_ts) AS DATE) AS as_of_date
    FROM fact_orders
),
dated AS (
    SELECT
        p.customer_unique_id,
        p.customer_sk,
        p.zip_code_prefix,
        p.city,
        p.state,
        p.lat,
        p.lng,
        p.first_order_ts,
        p.last_order_ts,
        p.orders_count,
        p.delivered_orders,
        p.canceled_orders,
        p.items_count,
        p.total_spent,
        p.reviewed_orders,
        p.avg_review_score,
        p.favourite_category,
        p.preferred_payment_type,
        CAST(DATEDIFF(day, CAST(p.last_order_ts AS DATE), a.as_of_date) AS INTEGER) AS recency_days,
        CAST(DATEDIFF(day, CAST(p.first_order_ts AS DATE), a.as_of_date) AS INTEGER) AS tenure_days
    FROM mart_customer_profile p
    CROSS JOIN as_of a
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
    CASE
        WHEN delivered_orders = 0 THEN 'never_delivered'
        WHEN recency_days > 365 THEN 'lost'
        WHEN delivered_orders >= 2 AND recency_days <= 180 THEN 'champion'
        WHEN delivered_orders >= 2 THEN 'loyal'
        WHEN tenure_days <= 90 THEN 'new'
        ELSE 'at_risk'
    END AS segment
FROM dated
