-- step build:mart_customer_profile
-- after: table:mart_customer_profile, check:dim_customer, check:dim_product, check:fact_orders, check:fact_order_items, check:fact_payments
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_customer_profile;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_customer_profile AS
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
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  WITH person_orders AS (
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
  )
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
      CAST(CAST(CAST(CAST(CAST(CAST(s.review_score_sum AS DECIMAL(18, 4)) AS DECIMAL(38, 4)) * CAST(10000 AS DECIMAL(38, 0)) AS INT128) * CAST(1000000000000000000000 AS INT128) // CAST(CAST(NULLIF(s.reviewed_orders, 0) AS DECIMAL(38, 0)) * CAST(1 AS DECIMAL(38, 0)) AS INT128) AS DECIMAL(38, 0)) * CAST(0.0000000000000000000000001 AS DECIMAL(26, 25)) AS DECIMAL(38, 24)) AS DECIMAL(24, 8)),
      2
    ) AS DECIMAL(4, 2)) AS avg_review_score,
    fc.category_name AS favourite_category,
    pp.payment_type AS preferred_payment_type
  FROM dwh.dim_customer AS cur
  JOIN order_stats AS s
    ON s.customer_unique_id = cur.customer_unique_id
  LEFT JOIN favourite_category AS fc
    ON fc.customer_unique_id = cur.customer_unique_id AND fc.rn = 1
  LEFT JOIN preferred_payment AS pp
    ON pp.customer_unique_id = cur.customer_unique_id AND pp.rn = 1
  WHERE
    cur.is_current
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'mart_customer_profile' returned several rows for one key (customer_unique_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    customer_unique_id
  FROM __src_mart_customer_profile
  GROUP BY
    customer_unique_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows it recomputes
DELETE FROM mart.mart_customer_profile;

-- insert the new rows
INSERT INTO mart.mart_customer_profile (
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
  _build_seq
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
  _build_seq
FROM __src_mart_customer_profile;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_customer_profile;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_mart_customer_profile_1;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_mart_customer_profile_1 AS
SELECT
  __v
FROM (
  SELECT
    CAST(value AS TEXT) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'dim_product'
    AND column_name = 'product_sk'
    AND seq > $since_dim_product
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_mart_customer_profile_2;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_mart_customer_profile_2 AS
SELECT
  __v
FROM (
  SELECT
    customer_sk AS __v
  FROM dwh.fact_order_items
  WHERE
    product_sk IN (
      SELECT
        __v
      FROM __hop_mart_customer_profile_1
    )
  UNION
  SELECT
    CAST(value AS TEXT) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'fact_orders'
    AND column_name = 'customer_sk'
    AND seq > $since_fact_orders
  UNION
  SELECT
    CAST(value AS TEXT) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'fact_order_items'
    AND column_name = 'customer_sk'
    AND seq > $since_fact_order_items
  UNION
  SELECT
    CAST(value AS TEXT) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'fact_payments'
    AND column_name = 'customer_sk'
    AND seq > $since_fact_payments
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_mart_customer_profile;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_mart_customer_profile AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      CAST(key AS TEXT) AS __v
    FROM elt.model_changes
    WHERE
      pipeline = $pipeline
      AND model = 'dim_customer'
      AND build_seq > $since_dim_customer
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      customer_unique_id AS __v
    FROM dwh.dim_customer
    WHERE
      customer_sk IN (
        SELECT
          __v
        FROM __hop_mart_customer_profile_2
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_mart_customer_profile_1;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_mart_customer_profile_2;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_mart_customer_profile;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_customer_profile;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_customer_profile AS
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
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.customer_unique_id,
    __m.customer_sk,
    __m.zip_code_prefix,
    __m.city,
    __m.state,
    __m.lat,
    __m.lng,
    __m.first_order_ts,
    __m.last_order_ts,
    __m.orders_count,
    __m.delivered_orders,
    __m.canceled_orders,
    __m.items_count,
    __m.total_spent,
    __m.reviewed_orders,
    __m.avg_review_score,
    __m.favourite_category,
    __m.preferred_payment_type
  FROM (
    WITH person_orders AS (
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
      WHERE
        dc.customer_unique_id IN (
          SELECT
            __k
          FROM __affected_mart_customer_profile
        )
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
      WHERE
        dc.customer_unique_id IN (
          SELECT
            __k
          FROM __affected_mart_customer_profile
        )
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
      WHERE
        dc.customer_unique_id IN (
          SELECT
            __k
          FROM __affected_mart_customer_profile
        )
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
    )
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
        CAST(CAST(CAST(CAST(CAST(CAST(s.review_score_sum AS DECIMAL(18, 4)) AS DECIMAL(38, 4)) * CAST(10000 AS DECIMAL(38, 0)) AS INT128) * CAST(1000000000000000000000 AS INT128) // CAST(CAST(NULLIF(s.reviewed_orders, 0) AS DECIMAL(38, 0)) * CAST(1 AS DECIMAL(38, 0)) AS INT128) AS DECIMAL(38, 0)) * CAST(0.0000000000000000000000001 AS DECIMAL(26, 25)) AS DECIMAL(38, 24)) AS DECIMAL(24, 8)),
        2
      ) AS DECIMAL(4, 2)) AS avg_review_score,
      fc.category_name AS favourite_category,
      pp.payment_type AS preferred_payment_type
    FROM dwh.dim_customer AS cur
    JOIN order_stats AS s
      ON s.customer_unique_id = cur.customer_unique_id
    LEFT JOIN favourite_category AS fc
      ON fc.customer_unique_id = cur.customer_unique_id AND fc.rn = 1
    LEFT JOIN preferred_payment AS pp
      ON pp.customer_unique_id = cur.customer_unique_id AND pp.rn = 1
    WHERE
      cur.is_current
      AND cur.customer_unique_id IN (
        SELECT
          __k
        FROM __affected_mart_customer_profile
      )
  ) AS __m
  WHERE
    __m.customer_unique_id IN (
      SELECT
        __k
      FROM __affected_mart_customer_profile
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'mart_customer_profile' returned several rows for one key (customer_unique_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    customer_unique_id
  FROM __src_mart_customer_profile
  GROUP BY
    customer_unique_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM mart.mart_customer_profile
WHERE
  customer_unique_id IN (
    SELECT
      __k
    FROM __affected_mart_customer_profile
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO mart.mart_customer_profile (
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
  _build_seq
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
  _build_seq
FROM __src_mart_customer_profile;

COMMIT;
