-- fact_orders: accumulating snapshot, one row per order (grain: order_id).
-- customer_sk is the dim_customer version valid at the purchase timestamp; customer_unique_id
-- and customer_state are copied from the order's person and that version, so questions about
-- persons and states need no join on the hash key.
WITH items AS (
    SELECT
        order_id,
        COUNT(*) AS items_count,
        SUM(price) AS items_total,
        SUM(freight_value) AS freight_total
    FROM order_items
    GROUP BY order_id
),
payments AS (
    SELECT
        order_id,
        COUNT(*) AS payments_count,
        SUM(payment_value) AS payment_total,
        MAX(payment_installments) AS max_installments
    FROM order_payments
    GROUP BY order_id
),
payment_type_totals AS (
    SELECT
        order_id,
        payment_type,
        SUM(payment_value) AS paid_value
    FROM order_payments
    GROUP BY order_id, payment_type
),
main_payment AS (
    -- the type with the largest paid value; ties go to the alphabetically first type
    SELECT
        order_id,
        payment_type,
        ROW_NUMBER() OVER (
            PARTITION BY order_id
            ORDER BY paid_value DESC, payment_type ASC
        ) AS rn
    FROM payment_type_totals
),
latest_review AS (
    -- the most recently answered review; then the latest survey date; then review_id
    SELECT
        order_id,
        review_score,
        ROW_NUMBER() OVER (
            PARTITION BY order_id
            ORDER BY review_answer_timestamp DESC, review_creation_date DESC, review_id DESC
        ) AS rn
    FROM order_reviews
)
SELECT
    o.order_id,
    dc.customer_sk,
    c.customer_unique_id,
    dc.state AS customer_state,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    o.order_status,
    o.order_purchase_timestamp AS purchase_ts,
    o.order_approved_at AS approved_ts,
    o.order_delivered_carrier_date AS delivered_carrier_ts,
    o.order_delivered_customer_date AS delivered_customer_ts,
    CAST(o.order_estimated_delivery_date AS DATE) AS estimated_delivery_date,
    CAST(COALESCE(i.items_count, 0) AS INTEGER) AS items_count,
    CAST(COALESCE(i.items_total, 0) AS DECIMAL(14, 2)) AS items_total,
    CAST(COALESCE(i.freight_total, 0) AS DECIMAL(14, 2)) AS freight_total,
    CAST(COALESCE(i.items_total, 0) + COALESCE(i.freight_total, 0) AS DECIMAL(14, 2)) AS order_total,
    CAST(COALESCE(p.payments_count, 0) AS INTEGER) AS payments_count,
    CAST(COALESCE(p.payment_total, 0) AS DECIMAL(14, 2)) AS payment_total,
    mp.payment_type AS main_payment_type,
    p.max_installments,
    lr.review_score,
    CASE
        WHEN o.order_delivered_customer_date IS NULL THEN NULL
        ELSE CAST(DATEDIFF(day, CAST(o.order_purchase_timestamp AS DATE), CAST(o.order_delivered_customer_date AS DATE)) AS INTEGER)
    END AS delivery_days,
    CASE
        WHEN o.order_delivered_customer_date IS NULL THEN NULL
        WHEN CAST(o.order_delivered_customer_date AS DATE) > CAST(o.order_estimated_delivery_date AS DATE) THEN TRUE
        ELSE FALSE
    END AS is_late
FROM orders o
LEFT JOIN customers c
  ON c.customer_id = o.customer_id
LEFT JOIN dim_customer dc
  ON dc.customer_unique_id = c.customer_unique_id
 AND dc.valid_from <= o.order_purchase_timestamp
 AND o.order_purchase_timestamp < dc.valid_to
LEFT JOIN items i
  ON i.order_id = o.order_id
LEFT JOIN payments p
  ON p.order_id = o.order_id
LEFT JOIN main_payment mp
  ON mp.order_id = o.order_id
 AND mp.rn = 1
LEFT JOIN latest_review lr
  ON lr.order_id = o.order_id
 AND lr.rn = 1
