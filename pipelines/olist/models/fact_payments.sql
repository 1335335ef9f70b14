-- fact_payments: one row per payment (grain: order_id, payment_sequential).
SELECT
    p.order_id,
    p.payment_sequential,
    dc.customer_sk,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    p.payment_type,
    p.payment_installments,
    p.payment_value
FROM order_payments p
LEFT JOIN orders o
  ON o.order_id = p.order_id
LEFT JOIN customers c
  ON c.customer_id = o.customer_id
LEFT JOIN dim_customer dc
  ON dc.customer_unique_id = c.customer_unique_id
 AND dc.valid_from <= o.order_purchase_timestamp
 AND o.order_purchase_timestamp < dc.valid_to
