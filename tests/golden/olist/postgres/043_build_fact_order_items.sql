-- step build:fact_order_items
-- after: table:fact_order_items, load:order_items, load:orders, load:customers, check:dim_customer, check:dim_product, check:dim_seller, check:dim_date, check:fact_orders
-- run-time parameters: build_seq
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
  __q.item_total,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
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

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_order_items' returned several rows for one key (order_id, order_item_id)
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

-- delete the rows it recomputes
DELETE FROM dwh.fact_order_items;

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
  item_total,
  _build_seq
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
  item_total,
  _build_seq
FROM __src_fact_order_items;

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_order_items;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_order_items;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_order_items AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_items
    WHERE
      _load_seq > %(since_order_items)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.orders
    WHERE
      _load_seq > %(since_orders)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.orders
    WHERE
      customer_id IN (
        SELECT
          __v
        FROM (
          SELECT
            customer_id AS __v
          FROM staging.customers
          WHERE
            _load_seq > %(since_customers)s
          UNION
          SELECT
            customer_id AS __v
          FROM staging.customers
          WHERE
            customer_unique_id IN (
              SELECT
                __v
              FROM (
                SELECT
                  CAST(key AS VARCHAR) AS __v
                FROM elt.model_changes
                WHERE
                  pipeline = %(pipeline)s
                  AND model = 'dim_customer'
                  AND build_seq > %(since_dim_customer)s
              ) AS __h
            )
        ) AS __h
      )
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_items
    WHERE
      product_id IN (
        SELECT
          __v
        FROM (
          SELECT
            CAST(key AS VARCHAR) AS __v
          FROM elt.model_changes
          WHERE
            pipeline = %(pipeline)s
            AND model = 'dim_product'
            AND build_seq > %(since_dim_product)s
        ) AS __h
      )
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_items
    WHERE
      seller_id IN (
        SELECT
          __v
        FROM (
          SELECT
            CAST(key AS VARCHAR) AS __v
          FROM elt.model_changes
          WHERE
            pipeline = %(pipeline)s
            AND model = 'dim_seller'
            AND build_seq > %(since_dim_seller)s
        ) AS __h
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_order_items;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_fact_order_items;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_fact_order_items AS
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
FROM dwh.fact_order_items
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_order_items
  );

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_order_items;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
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
  __q.item_total,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.order_id,
    __m.order_item_id,
    __m.customer_sk,
    __m.product_sk,
    __m.category_name,
    __m.seller_sk,
    __m.date_key,
    __m.purchase_ts,
    __m.shipping_limit_ts,
    __m.price,
    __m.freight_value,
    __m.item_total
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
    WHERE
      i.order_id IN (
        SELECT
          __k
        FROM __affected_fact_order_items
      )
  ) AS __m
  WHERE
    __m.order_id IN (
      SELECT
        __k
      FROM __affected_fact_order_items
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_order_items' returned several rows for one key (order_id, order_item_id)
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

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM dwh.fact_order_items
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_order_items
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
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
  item_total,
  _build_seq
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
  item_total,
  _build_seq
FROM __src_fact_order_items;

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_fact_order_items;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_fact_order_items AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
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
    FROM __prior_fact_order_items
    EXCEPT
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
    FROM __src_fact_order_items
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
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
    FROM __src_fact_order_items
    EXCEPT
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
    FROM __prior_fact_order_items
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT order_id) AS keys_changed
FROM __changed_fact_order_items;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    order_id
  FROM __prior_fact_order_items
  EXCEPT
  SELECT
    order_id
  FROM __src_fact_order_items
) AS __lost;

-- when its inputs' changes are known (a scoped build): record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  %(pipeline)s,
  'fact_order_items',
  %(build_seq)s,
  CAST(order_id AS VARCHAR)
FROM __changed_fact_order_items;

-- when its inputs' changes are known (a scoped build): keep the date_key of the changed rows, before and after
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT DISTINCT
  %(pipeline)s,
  'fact_order_items',
  %(build_seq)s,
  'date_key',
  CAST(date_key AS VARCHAR)
FROM __changed_fact_order_items;

-- when its inputs' changes are known (a scoped build): keep the customer_sk of the changed rows, before and after
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT DISTINCT
  %(pipeline)s,
  'fact_order_items',
  %(build_seq)s,
  'customer_sk',
  CAST(customer_sk AS VARCHAR)
FROM __changed_fact_order_items;

COMMIT;
