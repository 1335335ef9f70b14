-- step build:fact_payments
-- after: table:fact_payments, load:order_payments, load:orders, load:customers, check:dim_customer, check:dim_date, check:fact_orders
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_payments;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_payments AS
SELECT
  __q.order_id,
  __q.payment_sequential,
  __q.customer_sk,
  __q.date_key,
  __q.payment_type,
  __q.payment_installments,
  __q.payment_value,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    p.order_id AS order_id,
    p.payment_sequential AS payment_sequential,
    dc.customer_sk AS customer_sk,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    p.payment_type AS payment_type,
    p.payment_installments AS payment_installments,
    p.payment_value AS payment_value
  FROM staging.order_payments AS p
  LEFT JOIN staging.orders AS o
    ON o.order_id = p.order_id
  LEFT JOIN staging.customers AS c
    ON c.customer_id = o.customer_id
  LEFT JOIN dwh.dim_customer AS dc
    ON dc.customer_unique_id = c.customer_unique_id
    AND dc.valid_from <= o.order_purchase_timestamp
    AND o.order_purchase_timestamp < dc.valid_to
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_payments' returned several rows for one key (order_id, payment_sequential)
SELECT
  COUNT(*)
FROM (
  SELECT
    order_id,
    payment_sequential
  FROM __src_fact_payments
  GROUP BY
    order_id,
    payment_sequential
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows it recomputes
DELETE FROM dwh.fact_payments;

-- insert the new rows
INSERT INTO dwh.fact_payments (
  order_id,
  payment_sequential,
  customer_sk,
  date_key,
  payment_type,
  payment_installments,
  payment_value,
  _build_seq
)
SELECT
  order_id,
  payment_sequential,
  customer_sk,
  date_key,
  payment_type,
  payment_installments,
  payment_value,
  _build_seq
FROM __src_fact_payments;

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_payments;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_fact_payments_1;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_fact_payments_1 AS
SELECT
  __v
FROM (
  SELECT
    CAST(key AS TEXT) AS __v
  FROM elt.model_changes
  WHERE
    pipeline = $pipeline
    AND model = 'dim_customer'
    AND build_seq > $since_dim_customer
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_fact_payments_2;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_fact_payments_2 AS
SELECT
  __v
FROM (
  SELECT
    customer_id AS __v
  FROM staging.customers
  WHERE
    _load_seq > $since_customers
  UNION
  SELECT
    customer_id AS __v
  FROM staging.customers
  WHERE
    customer_unique_id IN (
      SELECT
        __v
      FROM __hop_fact_payments_1
    )
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_payments;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_payments AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_payments
    WHERE
      _load_seq > $since_order_payments
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.orders
    WHERE
      _load_seq > $since_orders
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.orders
    WHERE
      customer_id IN (
        SELECT
          __v
        FROM __hop_fact_payments_2
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_fact_payments_1;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_fact_payments_2;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_payments;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_fact_payments;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_fact_payments AS
SELECT
  order_id,
  payment_sequential,
  customer_sk,
  date_key,
  payment_type,
  payment_installments,
  payment_value
FROM dwh.fact_payments
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_payments
  );

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_payments;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_payments AS
SELECT
  __q.order_id,
  __q.payment_sequential,
  __q.customer_sk,
  __q.date_key,
  __q.payment_type,
  __q.payment_installments,
  __q.payment_value,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.order_id,
    __m.payment_sequential,
    __m.customer_sk,
    __m.date_key,
    __m.payment_type,
    __m.payment_installments,
    __m.payment_value
  FROM (
    SELECT
      p.order_id AS order_id,
      p.payment_sequential AS payment_sequential,
      dc.customer_sk AS customer_sk,
      CAST(o.order_purchase_timestamp AS DATE) AS date_key,
      p.payment_type AS payment_type,
      p.payment_installments AS payment_installments,
      p.payment_value AS payment_value
    FROM staging.order_payments AS p
    LEFT JOIN staging.orders AS o
      ON o.order_id = p.order_id
    LEFT JOIN staging.customers AS c
      ON c.customer_id = o.customer_id
    LEFT JOIN dwh.dim_customer AS dc
      ON dc.customer_unique_id = c.customer_unique_id
      AND dc.valid_from <= o.order_purchase_timestamp
      AND o.order_purchase_timestamp < dc.valid_to
    WHERE
      p.order_id IN (
        SELECT
          __k
        FROM __affected_fact_payments
      )
  ) AS __m
  WHERE
    __m.order_id IN (
      SELECT
        __k
      FROM __affected_fact_payments
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_payments' returned several rows for one key (order_id, payment_sequential)
SELECT
  COUNT(*)
FROM (
  SELECT
    order_id,
    payment_sequential
  FROM __src_fact_payments
  GROUP BY
    order_id,
    payment_sequential
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM dwh.fact_payments
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_payments
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO dwh.fact_payments (
  order_id,
  payment_sequential,
  customer_sk,
  date_key,
  payment_type,
  payment_installments,
  payment_value,
  _build_seq
)
SELECT
  order_id,
  payment_sequential,
  customer_sk,
  date_key,
  payment_type,
  payment_installments,
  payment_value,
  _build_seq
FROM __src_fact_payments;

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_fact_payments;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_fact_payments AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      order_id,
      payment_sequential,
      customer_sk,
      date_key,
      payment_type,
      payment_installments,
      payment_value
    FROM __prior_fact_payments
    EXCEPT
    SELECT
      order_id,
      payment_sequential,
      customer_sk,
      date_key,
      payment_type,
      payment_installments,
      payment_value
    FROM __src_fact_payments
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      order_id,
      payment_sequential,
      customer_sk,
      date_key,
      payment_type,
      payment_installments,
      payment_value
    FROM __src_fact_payments
    EXCEPT
    SELECT
      order_id,
      payment_sequential,
      customer_sk,
      date_key,
      payment_type,
      payment_installments,
      payment_value
    FROM __prior_fact_payments
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT order_id) AS keys_changed
FROM __changed_fact_payments;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    order_id
  FROM __prior_fact_payments
  EXCEPT
  SELECT
    order_id
  FROM __src_fact_payments
) AS __lost;

-- when its inputs' changes are known (a scoped build): record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  $pipeline,
  'fact_payments',
  $build_seq,
  CAST(order_id AS TEXT)
FROM __changed_fact_payments;

-- when its inputs' changes are known (a scoped build): keep the customer_sk of the changed rows, before and after
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT DISTINCT
  $pipeline,
  'fact_payments',
  $build_seq,
  'customer_sk',
  CAST(customer_sk AS TEXT)
FROM __changed_fact_payments;

COMMIT;
