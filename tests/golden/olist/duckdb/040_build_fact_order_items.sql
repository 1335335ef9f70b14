-- step build:fact_order_items
-- after: table:fact_order_items, load:order_items, load:orders, load:customers, check:dim_customer, check:dim_product, check:dim_seller, check:dim_date, check:fact_orders
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_order_items;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_order_items AS
SELECT
  __q.order_id,
  __q.order_item_id,
  __q.customer_sk,
  __q.product_sk,
  __q.category_name,
  __q.seller_sk,
  __q.date_key,
  __q.purchase_ts,
  __q.shipping_limit_ts,
  __q.price,
  __q.freight_value,
  __q.item_total
FROM (
  SELECT
    i.order_id AS order_id,
    i.order_item_id AS order_item_id,
    dc.customer_sk AS customer_sk,
    dp.product_sk AS product_sk,
    dp.category_name AS category_name,
    ds.seller_sk AS seller_sk,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    o.order_purchase_timestamp AS purchase_ts,
    i.shipping_limit_date AS shipping_limit_ts,
    i.price AS price,
    i.freight_value AS freight_value,
    CAST(i.price + i.freight_value AS DECIMAL(12, 2)) AS item_total
  FROM staging.order_items AS i
  LEFT JOIN staging.orders AS o
    ON o.order_id = i.order_id
  LEFT JOIN staging.customers AS c
    ON c.customer_id = o.customer_id
  LEFT JOIN dwh.dim_customer AS dc
    ON dc.customer_unique_id = c.customer_unique_id
    AND dc.valid_from <= o.order_purchase_timestamp
    AND o.order_purchase_timestamp < dc.valid_to
  LEFT JOIN dwh.dim_product AS dp
    ON dp.product_id = i.product_id
  LEFT JOIN dwh.dim_seller AS ds
    ON ds.seller_id = i.seller_id
) AS __q;

-- guard: must return 0, else fail with: the SELECT of 'fact_order_items' returned several rows for one key (order_id, order_item_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    order_id,
    order_item_id
  FROM __src_fact_order_items
  GROUP BY
    order_id,
    order_item_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows being replaced
DELETE FROM dwh.fact_order_items USING   __src_fact_order_items
WHERE
  fact_order_items.order_id = __src_fact_order_items.order_id
  AND fact_order_items.order_item_id = __src_fact_order_items.order_item_id;

-- insert the new rows
INSERT INTO dwh.fact_order_items (
  order_id,
  order_item_id,
  customer_sk,
  product_sk,
  category_name,
  seller_sk,
  date_key,
  purchase_ts,
  shipping_limit_ts,
  price,
  freight_value,
  item_total
)
SELECT
  order_id,
  order_item_id,
  customer_sk,
  product_sk,
  category_name,
  seller_sk,
  date_key,
  purchase_ts,
  shipping_limit_ts,
  price,
  freight_value,
  item_total
FROM __src_fact_order_items;

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_order_items;

COMMIT;
