-- step build:fact_orders
-- after: table:fact_orders, load:orders, load:customers, load:order_items, load:order_payments, load:order_reviews, check:dim_customer, check:dim_date
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_orders;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_orders AS
SELECT
  __q.order_id,
  __q.customer_sk,
  __q.customer_unique_id,
  __q.customer_state,
  __q.date_key,
  __q.order_status,
  __q.purchase_ts,
  __q.approved_ts,
  __q.delivered_carrier_ts,
  __q.delivered_customer_ts,
  __q.estimated_delivery_date,
  __q.items_count,
  __q.items_total,
  __q.freight_total,
  __q.order_total,
  __q.payments_count,
  __q.payment_total,
  __q.main_payment_type,
  __q.max_installments,
  __q.review_score,
  __q.delivery_days,
  __q.is_late,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  WITH items AS (
    SELECT
      order_items.order_id AS order_id,
      COUNT(*) AS items_count,
      SUM(order_items.price) AS items_total,
      SUM(order_items.freight_value) AS freight_total
    FROM staging.order_items AS order_items
    GROUP BY
      order_items.order_id
  ), payments AS (
    SELECT
      order_payments.order_id AS order_id,
      COUNT(*) AS payments_count,
      SUM(order_payments.payment_value) AS payment_total,
      MAX(order_payments.payment_installments) AS max_installments
    FROM staging.order_payments AS order_payments
    GROUP BY
      order_payments.order_id
  ), payment_type_totals AS (
    SELECT
      order_payments.order_id AS order_id,
      order_payments.payment_type AS payment_type,
      SUM(order_payments.payment_value) AS paid_value
    FROM staging.order_payments AS order_payments
    GROUP BY
      order_payments.order_id,
      order_payments.payment_type
  ), main_payment AS (
    SELECT
      payment_type_totals.order_id AS order_id,
      payment_type_totals.payment_type AS payment_type,
      ROW_NUMBER() OVER (
        PARTITION BY payment_type_totals.order_id
        ORDER BY payment_type_totals.paid_value DESC, payment_type_totals.payment_type ASC
      ) AS rn
    FROM payment_type_totals AS payment_type_totals
  ), latest_review AS (
    SELECT
      order_reviews.order_id AS order_id,
      order_reviews.review_score AS review_score,
      ROW_NUMBER() OVER (
        PARTITION BY order_reviews.order_id
        ORDER BY order_reviews.review_answer_timestamp DESC, order_reviews.review_creation_date DESC, order_reviews.review_id DESC
      ) AS rn
    FROM staging.order_reviews AS order_reviews
  )
  SELECT
    o.order_id AS order_id,
    dc.customer_sk AS customer_sk,
    c.customer_unique_id AS customer_unique_id,
    dc.state AS customer_state,
    CAST(o.order_purchase_timestamp AS DATE) AS date_key,
    o.order_status AS order_status,
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
    p.max_installments AS max_installments,
    lr.review_score AS review_score,
    CASE
      WHEN o.order_delivered_customer_date IS NULL
      THEN NULL
      ELSE CAST(DATEDIFF(
        DAY,
        CAST(o.order_purchase_timestamp AS DATE),
        CAST(o.order_delivered_customer_date AS DATE)
      ) AS INTEGER)
    END AS delivery_days,
    CASE
      WHEN o.order_delivered_customer_date IS NULL
      THEN NULL
      WHEN CAST(o.order_delivered_customer_date AS DATE) > CAST(o.order_estimated_delivery_date AS DATE)
      THEN TRUE
      ELSE FALSE
    END AS is_late
  FROM staging.orders AS o
  LEFT JOIN staging.customers AS c
    ON c.customer_id = o.customer_id
  LEFT JOIN dwh.dim_customer AS dc
    ON dc.customer_unique_id = c.customer_unique_id
    AND dc.valid_from <= o.order_purchase_timestamp
    AND o.order_purchase_timestamp < dc.valid_to
  LEFT JOIN items AS i
    ON i.order_id = o.order_id
  LEFT JOIN payments AS p
    ON p.order_id = o.order_id
  LEFT JOIN main_payment AS mp
    ON mp.order_id = o.order_id AND mp.rn = 1
  LEFT JOIN latest_review AS lr
    ON lr.order_id = o.order_id AND lr.rn = 1
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_orders' returned several rows for one key (order_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    order_id
  FROM __src_fact_orders
  GROUP BY
    order_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- merge by key
MERGE INTO dwh.fact_orders
USING __src_fact_orders
ON fact_orders.order_id = __src_fact_orders.order_id
WHEN MATCHED THEN UPDATE SET
  customer_sk = __src_fact_orders.customer_sk,
  customer_unique_id = __src_fact_orders.customer_unique_id,
  customer_state = __src_fact_orders.customer_state,
  date_key = __src_fact_orders.date_key,
  order_status = __src_fact_orders.order_status,
  purchase_ts = __src_fact_orders.purchase_ts,
  approved_ts = __src_fact_orders.approved_ts,
  delivered_carrier_ts = __src_fact_orders.delivered_carrier_ts,
  delivered_customer_ts = __src_fact_orders.delivered_customer_ts,
  estimated_delivery_date = __src_fact_orders.estimated_delivery_date,
  items_count = __src_fact_orders.items_count,
  items_total = __src_fact_orders.items_total,
  freight_total = __src_fact_orders.freight_total,
  order_total = __src_fact_orders.order_total,
  payments_count = __src_fact_orders.payments_count,
  payment_total = __src_fact_orders.payment_total,
  main_payment_type = __src_fact_orders.main_payment_type,
  max_installments = __src_fact_orders.max_installments,
  review_score = __src_fact_orders.review_score,
  delivery_days = __src_fact_orders.delivery_days,
  is_late = __src_fact_orders.is_late,
  _build_seq = __src_fact_orders._build_seq
WHEN NOT MATCHED THEN INSERT (
  order_id,
  customer_sk,
  customer_unique_id,
  customer_state,
  date_key,
  order_status,
  purchase_ts,
  approved_ts,
  delivered_carrier_ts,
  delivered_customer_ts,
  estimated_delivery_date,
  items_count,
  items_total,
  freight_total,
  order_total,
  payments_count,
  payment_total,
  main_payment_type,
  max_installments,
  review_score,
  delivery_days,
  is_late,
  _build_seq
) VALUES (
  __src_fact_orders.order_id,
  __src_fact_orders.customer_sk,
  __src_fact_orders.customer_unique_id,
  __src_fact_orders.customer_state,
  __src_fact_orders.date_key,
  __src_fact_orders.order_status,
  __src_fact_orders.purchase_ts,
  __src_fact_orders.approved_ts,
  __src_fact_orders.delivered_carrier_ts,
  __src_fact_orders.delivered_customer_ts,
  __src_fact_orders.estimated_delivery_date,
  __src_fact_orders.items_count,
  __src_fact_orders.items_total,
  __src_fact_orders.freight_total,
  __src_fact_orders.order_total,
  __src_fact_orders.payments_count,
  __src_fact_orders.payment_total,
  __src_fact_orders.main_payment_type,
  __src_fact_orders.max_installments,
  __src_fact_orders.review_score,
  __src_fact_orders.delivery_days,
  __src_fact_orders.is_late,
  __src_fact_orders._build_seq
);

-- delete keys its SELECT no longer returns
DELETE FROM dwh.fact_orders
WHERE
  NOT EXISTS(
    SELECT
      1
    FROM __src_fact_orders AS __s
    WHERE
      fact_orders.order_id = __s.order_id
  );

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_orders;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_orders;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_orders AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.orders
    WHERE
      _load_seq > %(since_orders)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_items
    WHERE
      _load_seq > %(since_order_items)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_payments
    WHERE
      _load_seq > %(since_order_payments)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      order_id AS __v
    FROM staging.order_reviews
    WHERE
      _load_seq > %(since_order_reviews)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
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
                  CAST(key AS VARCHAR(65535)) AS __v
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
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_orders;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_fact_orders;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_fact_orders AS
SELECT
  order_id,
  customer_sk,
  customer_unique_id,
  customer_state,
  date_key,
  order_status,
  purchase_ts,
  approved_ts,
  delivered_carrier_ts,
  delivered_customer_ts,
  estimated_delivery_date,
  items_count,
  items_total,
  freight_total,
  order_total,
  payments_count,
  payment_total,
  main_payment_type,
  max_installments,
  review_score,
  delivery_days,
  is_late
FROM dwh.fact_orders
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_orders
  );

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_orders;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_orders AS
SELECT
  __q.order_id,
  __q.customer_sk,
  __q.customer_unique_id,
  __q.customer_state,
  __q.date_key,
  __q.order_status,
  __q.purchase_ts,
  __q.approved_ts,
  __q.delivered_carrier_ts,
  __q.delivered_customer_ts,
  __q.estimated_delivery_date,
  __q.items_count,
  __q.items_total,
  __q.freight_total,
  __q.order_total,
  __q.payments_count,
  __q.payment_total,
  __q.main_payment_type,
  __q.max_installments,
  __q.review_score,
  __q.delivery_days,
  __q.is_late,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.order_id,
    __m.customer_sk,
    __m.customer_unique_id,
    __m.customer_state,
    __m.date_key,
    __m.order_status,
    __m.purchase_ts,
    __m.approved_ts,
    __m.delivered_carrier_ts,
    __m.delivered_customer_ts,
    __m.estimated_delivery_date,
    __m.items_count,
    __m.items_total,
    __m.freight_total,
    __m.order_total,
    __m.payments_count,
    __m.payment_total,
    __m.main_payment_type,
    __m.max_installments,
    __m.review_score,
    __m.delivery_days,
    __m.is_late
  FROM (
    WITH items AS (
      SELECT
        order_items.order_id AS order_id,
        COUNT(*) AS items_count,
        SUM(order_items.price) AS items_total,
        SUM(order_items.freight_value) AS freight_total
      FROM staging.order_items AS order_items
      WHERE
        order_items.order_id IN (
          SELECT
            __k
          FROM __affected_fact_orders
        )
      GROUP BY
        order_items.order_id
    ), payments AS (
      SELECT
        order_payments.order_id AS order_id,
        COUNT(*) AS payments_count,
        SUM(order_payments.payment_value) AS payment_total,
        MAX(order_payments.payment_installments) AS max_installments
      FROM staging.order_payments AS order_payments
      WHERE
        order_payments.order_id IN (
          SELECT
            __k
          FROM __affected_fact_orders
        )
      GROUP BY
        order_payments.order_id
    ), payment_type_totals AS (
      SELECT
        order_payments.order_id AS order_id,
        order_payments.payment_type AS payment_type,
        SUM(order_payments.payment_value) AS paid_value
      FROM staging.order_payments AS order_payments
      WHERE
        order_payments.order_id IN (
          SELECT
            __k
          FROM __affected_fact_orders
        )
      GROUP BY
        order_payments.order_id,
        order_payments.payment_type
    ), main_payment AS (
      SELECT
        payment_type_totals.order_id AS order_id,
        payment_type_totals.payment_type AS payment_type,
        ROW_NUMBER() OVER (
          PARTITION BY payment_type_totals.order_id
          ORDER BY payment_type_totals.paid_value DESC, payment_type_totals.payment_type ASC
        ) AS rn
      FROM payment_type_totals AS payment_type_totals
    ), latest_review AS (
      SELECT
        order_reviews.order_id AS order_id,
        order_reviews.review_score AS review_score,
        ROW_NUMBER() OVER (
          PARTITION BY order_reviews.order_id
          ORDER BY order_reviews.review_answer_timestamp DESC, order_reviews.review_creation_date DESC, order_reviews.review_id DESC
        ) AS rn
      FROM staging.order_reviews AS order_reviews
      WHERE
        order_reviews.order_id IN (
          SELECT
            __k
          FROM __affected_fact_orders
        )
    )
    SELECT
      o.order_id AS order_id,
      dc.customer_sk AS customer_sk,
      c.customer_unique_id AS customer_unique_id,
      dc.state AS customer_state,
      CAST(o.order_purchase_timestamp AS DATE) AS date_key,
      o.order_status AS order_status,
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
      p.max_installments AS max_installments,
      lr.review_score AS review_score,
      CASE
        WHEN o.order_delivered_customer_date IS NULL
        THEN NULL
        ELSE CAST(DATEDIFF(
          DAY,
          CAST(o.order_purchase_timestamp AS DATE),
          CAST(o.order_delivered_customer_date AS DATE)
        ) AS INTEGER)
      END AS delivery_days,
      CASE
        WHEN o.order_delivered_customer_date IS NULL
        THEN NULL
        WHEN CAST(o.order_delivered_customer_date AS DATE) > CAST(o.order_estimated_delivery_date AS DATE)
        THEN TRUE
        ELSE FALSE
      END AS is_late
    FROM staging.orders AS o
    LEFT JOIN staging.customers AS c
      ON c.customer_id = o.customer_id
    LEFT JOIN dwh.dim_customer AS dc
      ON dc.customer_unique_id = c.customer_unique_id
      AND dc.valid_from <= o.order_purchase_timestamp
      AND o.order_purchase_timestamp < dc.valid_to
    LEFT JOIN items AS i
      ON i.order_id = o.order_id
    LEFT JOIN payments AS p
      ON p.order_id = o.order_id
    LEFT JOIN main_payment AS mp
      ON mp.order_id = o.order_id AND mp.rn = 1
    LEFT JOIN latest_review AS lr
      ON lr.order_id = o.order_id AND lr.rn = 1
    WHERE
      o.order_id IN (
        SELECT
          __k
        FROM __affected_fact_orders
      )
  ) AS __m
  WHERE
    __m.order_id IN (
      SELECT
        __k
      FROM __affected_fact_orders
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_orders' returned several rows for one key (order_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    order_id
  FROM __src_fact_orders
  GROUP BY
    order_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): merge by key
MERGE INTO dwh.fact_orders
USING __src_fact_orders
ON fact_orders.order_id = __src_fact_orders.order_id
WHEN MATCHED THEN UPDATE SET
  customer_sk = __src_fact_orders.customer_sk,
  customer_unique_id = __src_fact_orders.customer_unique_id,
  customer_state = __src_fact_orders.customer_state,
  date_key = __src_fact_orders.date_key,
  order_status = __src_fact_orders.order_status,
  purchase_ts = __src_fact_orders.purchase_ts,
  approved_ts = __src_fact_orders.approved_ts,
  delivered_carrier_ts = __src_fact_orders.delivered_carrier_ts,
  delivered_customer_ts = __src_fact_orders.delivered_customer_ts,
  estimated_delivery_date = __src_fact_orders.estimated_delivery_date,
  items_count = __src_fact_orders.items_count,
  items_total = __src_fact_orders.items_total,
  freight_total = __src_fact_orders.freight_total,
  order_total = __src_fact_orders.order_total,
  payments_count = __src_fact_orders.payments_count,
  payment_total = __src_fact_orders.payment_total,
  main_payment_type = __src_fact_orders.main_payment_type,
  max_installments = __src_fact_orders.max_installments,
  review_score = __src_fact_orders.review_score,
  delivery_days = __src_fact_orders.delivery_days,
  is_late = __src_fact_orders.is_late,
  _build_seq = __src_fact_orders._build_seq
WHEN NOT MATCHED THEN INSERT (
  order_id,
  customer_sk,
  customer_unique_id,
  customer_state,
  date_key,
  order_status,
  purchase_ts,
  approved_ts,
  delivered_carrier_ts,
  delivered_customer_ts,
  estimated_delivery_date,
  items_count,
  items_total,
  freight_total,
  order_total,
  payments_count,
  payment_total,
  main_payment_type,
  max_installments,
  review_score,
  delivery_days,
  is_late,
  _build_seq
) VALUES (
  __src_fact_orders.order_id,
  __src_fact_orders.customer_sk,
  __src_fact_orders.customer_unique_id,
  __src_fact_orders.customer_state,
  __src_fact_orders.date_key,
  __src_fact_orders.order_status,
  __src_fact_orders.purchase_ts,
  __src_fact_orders.approved_ts,
  __src_fact_orders.delivered_carrier_ts,
  __src_fact_orders.delivered_customer_ts,
  __src_fact_orders.estimated_delivery_date,
  __src_fact_orders.items_count,
  __src_fact_orders.items_total,
  __src_fact_orders.freight_total,
  __src_fact_orders.order_total,
  __src_fact_orders.payments_count,
  __src_fact_orders.payment_total,
  __src_fact_orders.main_payment_type,
  __src_fact_orders.max_installments,
  __src_fact_orders.review_score,
  __src_fact_orders.delivery_days,
  __src_fact_orders.is_late,
  __src_fact_orders._build_seq
);

-- when its inputs' changes are known (a scoped build): delete keys its SELECT no longer returns
DELETE FROM dwh.fact_orders
WHERE
  order_id IN (
    SELECT
      __k
    FROM __affected_fact_orders
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM __src_fact_orders AS __s
    WHERE
      fact_orders.order_id = __s.order_id
  );

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_fact_orders;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_fact_orders AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      order_id,
      customer_sk,
      customer_unique_id,
      customer_state,
      date_key,
      order_status,
      purchase_ts,
      approved_ts,
      delivered_carrier_ts,
      delivered_customer_ts,
      estimated_delivery_date,
      items_count,
      items_total,
      freight_total,
      order_total,
      payments_count,
      payment_total,
      main_payment_type,
      max_installments,
      review_score,
      delivery_days,
      is_late
    FROM __prior_fact_orders
    EXCEPT
    SELECT
      order_id,
      customer_sk,
      customer_unique_id,
      customer_state,
      date_key,
      order_status,
      purchase_ts,
      approved_ts,
      delivered_carrier_ts,
      delivered_customer_ts,
      estimated_delivery_date,
      items_count,
      items_total,
      freight_total,
      order_total,
      payments_count,
      payment_total,
      main_payment_type,
      max_installments,
      review_score,
      delivery_days,
      is_late
    FROM __src_fact_orders
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      order_id,
      customer_sk,
      customer_unique_id,
      customer_state,
      date_key,
      order_status,
      purchase_ts,
      approved_ts,
      delivered_carrier_ts,
      delivered_customer_ts,
      estimated_delivery_date,
      items_count,
      items_total,
      freight_total,
      order_total,
      payments_count,
      payment_total,
      main_payment_type,
      max_installments,
      review_score,
      delivery_days,
      is_late
    FROM __src_fact_orders
    EXCEPT
    SELECT
      order_id,
      customer_sk,
      customer_unique_id,
      customer_state,
      date_key,
      order_status,
      purchase_ts,
      approved_ts,
      delivered_carrier_ts,
      delivered_customer_ts,
      estimated_delivery_date,
      items_count,
      items_total,
      freight_total,
      order_total,
      payments_count,
      payment_total,
      main_payment_type,
      max_installments,
      review_score,
      delivery_days,
      is_late
    FROM __prior_fact_orders
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT order_id) AS keys_changed
FROM __changed_fact_orders;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    order_id
  FROM __prior_fact_orders
  EXCEPT
  SELECT
    order_id
  FROM __src_fact_orders
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
  'fact_orders',
  %(build_seq)s,
  CAST(order_id AS VARCHAR(65535))
FROM __changed_fact_orders;

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
  'fact_orders',
  %(build_seq)s,
  'customer_sk',
  CAST(customer_sk AS VARCHAR(65535))
FROM __changed_fact_orders;

COMMIT;
