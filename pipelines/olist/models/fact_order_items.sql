-- fact_order_items: one row per order item (grain: order_id, order_item_id).
-- The customer version is the dim_customer row valid at the purchase timestamp.
-- category_name is copied from dim_product (English, else Portuguese, else 'unknown').
-- Left joins keep every item; not_null checks on the keys report unresolved references.
SELECT
    i.order_id,
    i.order_item_id,
    dc.customer_sk,
    dp.product_sk,
    dp.category_name,
    ds.seller_sk,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    o.order_purchase_timestamp AS purchase_ts,
    i.shipping_limit_date AS shipping_limit_ts,
    i.price,
    i.freight_value,
    CAST(i.price + i.freight_value AS DECIMAL(12, 2)) AS item_total
FROM order_items i
LEFT JOIN orders o
  ON o.order_id = i.order_id
LEFT JOIN customers c
  ON c.customer_id = o.customer_id
LEFT JOIN dim_customer dc
  ON dc.customer_unique_id = c.customer_unique_id
 AND dc.valid_from <= o.order_purchase_timestamp
 AND o.order_purchase_timestamp < dc.valid_to
LEFT JOIN dim_product dp
  ON dp.product_id = i.product_id
LEFT JOIN dim_seller ds
  ON ds.seller_id = i.seller_id
