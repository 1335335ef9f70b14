-- step build:mart_category_monthly
-- after: table:mart_category_monthly, check:dim_product, check:dim_date, check:fact_order_items, check:fact_orders
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_category_monthly AS
SELECT
  __q.category_name,
  __q.year_month,
  __q.month_start,
  __q.orders,
  __q.items,
  __q.revenue,
  __q.freight,
  __q.reviewed_orders,
  __q.avg_review_score,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  WITH category_items AS (
    SELECT
      dp.category_name AS category_name,
      d.year_month AS year_month,
      d.month_start AS month_start,
      foi.order_id AS order_id,
      foi.price AS price,
      foi.freight_value AS freight_value
    FROM dwh.fact_order_items AS foi
    JOIN dwh.dim_product AS dp
      ON dp.product_sk = foi.product_sk
    JOIN dwh.dim_date AS d
      ON d.date_key = foi.date_key
  ), sales AS (
    SELECT
      category_items.category_name AS category_name,
      category_items.year_month AS year_month,
      category_items.month_start AS month_start,
      COUNT(DISTINCT category_items.order_id) AS orders,
      COUNT(*) AS items,
      SUM(category_items.price) AS revenue,
      SUM(category_items.freight_value) AS freight
    FROM category_items AS category_items
    GROUP BY
      category_items.category_name,
      category_items.year_month,
      category_items.month_start
  ), category_orders AS (
    SELECT DISTINCT
      category_items.category_name AS category_name,
      category_items.year_month AS year_month,
      category_items.order_id AS order_id
    FROM category_items AS category_items
  ), reviews AS (
    SELECT
      co.category_name AS category_name,
      co.year_month AS year_month,
      COUNT(fo.review_score) AS reviewed_orders,
      SUM(fo.review_score) AS review_score_sum
    FROM category_orders AS co
    JOIN dwh.fact_orders AS fo
      ON fo.order_id = co.order_id
    GROUP BY
      co.category_name,
      co.year_month
  )
  SELECT
    s.category_name AS category_name,
    s.year_month AS year_month,
    s.month_start AS month_start,
    CAST(s.orders AS INT) AS orders,
    CAST(s.items AS INT) AS items,
    CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
    CAST(s.freight AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(r.reviewed_orders, 0) AS INT) AS reviewed_orders,
    CAST(ROUND(
      CAST(CAST(CAST(CAST(CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) AS DECIMAL(38, 4)) * CAST(10000 AS DECIMAL(38, 0)) AS INT128) * CAST(1000000000000000000000 AS INT128) // CAST(CAST(NULLIF(r.reviewed_orders, 0) AS DECIMAL(38, 0)) * CAST(1 AS DECIMAL(38, 0)) AS INT128) AS DECIMAL(38, 0)) * CAST(0.0000000000000000000000001 AS DECIMAL(26, 25)) AS DECIMAL(38, 24)) AS DECIMAL(24, 8)),
      2
    ) AS DECIMAL(4, 2)) AS avg_review_score
  FROM sales AS s
  LEFT JOIN reviews AS r
    ON r.category_name = s.category_name AND r.year_month = s.year_month
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'mart_category_monthly' returned several rows for one key (year_month, category_name)
SELECT
  COUNT(*)
FROM (
  SELECT
    year_month,
    category_name
  FROM __src_mart_category_monthly
  GROUP BY
    year_month,
    category_name
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows it recomputes
DELETE FROM mart.mart_category_monthly;

-- insert the new rows
INSERT INTO mart.mart_category_monthly (
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
)
SELECT
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
FROM __src_mart_category_monthly;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_mart_category_monthly_1;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_mart_category_monthly_1 AS
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
DROP TABLE IF EXISTS __hop_mart_category_monthly_2;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_mart_category_monthly_2 AS
SELECT
  __v
FROM (
  SELECT
    CAST(key AS TEXT) AS __v
  FROM elt.model_changes
  WHERE
    pipeline = $pipeline AND model = 'fact_orders' AND build_seq > $since_fact_orders
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_mart_category_monthly_3;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_mart_category_monthly_3 AS
SELECT
  __v
FROM (
  SELECT
    date_key AS __v
  FROM dwh.fact_order_items
  WHERE
    product_sk IN (
      SELECT
        __v
      FROM __hop_mart_category_monthly_1
    )
  UNION
  SELECT
    CAST(value AS DATE) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'fact_order_items'
    AND column_name = 'date_key'
    AND seq > $since_fact_order_items
  UNION
  SELECT
    date_key AS __v
  FROM dwh.fact_order_items
  WHERE
    order_id IN (
      SELECT
        __v
      FROM __hop_mart_category_monthly_2
    )
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_mart_category_monthly AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      year_month AS __v
    FROM dwh.dim_date
    WHERE
      date_key IN (
        SELECT
          __v
        FROM __hop_mart_category_monthly_3
      )
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      CAST(value AS TEXT) AS __v
    FROM elt.changed_values
    WHERE
      pipeline = $pipeline
      AND relation = 'dim_date'
      AND column_name = 'year_month'
      AND seq > $since_dim_date
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_mart_category_monthly_1;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_mart_category_monthly_2;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_mart_category_monthly_3;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_category_monthly AS
SELECT
  __q.category_name,
  __q.year_month,
  __q.month_start,
  __q.orders,
  __q.items,
  __q.revenue,
  __q.freight,
  __q.reviewed_orders,
  __q.avg_review_score,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.category_name,
    __m.year_month,
    __m.month_start,
    __m.orders,
    __m.items,
    __m.revenue,
    __m.freight,
    __m.reviewed_orders,
    __m.avg_review_score
  FROM (
    WITH category_items AS (
      SELECT
        dp.category_name AS category_name,
        d.year_month AS year_month,
        d.month_start AS month_start,
        foi.order_id AS order_id,
        foi.price AS price,
        foi.freight_value AS freight_value
      FROM dwh.fact_order_items AS foi
      JOIN dwh.dim_product AS dp
        ON dp.product_sk = foi.product_sk
      JOIN dwh.dim_date AS d
        ON d.date_key = foi.date_key
      WHERE
        d.year_month IN (
          SELECT
            __k
          FROM __affected_mart_category_monthly
        )
    ), sales AS (
      SELECT
        category_items.category_name AS category_name,
        category_items.year_month AS year_month,
        category_items.month_start AS month_start,
        COUNT(DISTINCT category_items.order_id) AS orders,
        COUNT(*) AS items,
        SUM(category_items.price) AS revenue,
        SUM(category_items.freight_value) AS freight
      FROM category_items AS category_items
      WHERE
        category_items.year_month IN (
          SELECT
            __k
          FROM __affected_mart_category_monthly
        )
      GROUP BY
        category_items.category_name,
        category_items.year_month,
        category_items.month_start
    ), category_orders AS (
      SELECT DISTINCT
        category_items.category_name AS category_name,
        category_items.year_month AS year_month,
        category_items.order_id AS order_id
      FROM category_items AS category_items
      WHERE
        category_items.year_month IN (
          SELECT
            __k
          FROM __affected_mart_category_monthly
        )
    ), reviews AS (
      SELECT
        co.category_name AS category_name,
        co.year_month AS year_month,
        COUNT(fo.review_score) AS reviewed_orders,
        SUM(fo.review_score) AS review_score_sum
      FROM category_orders AS co
      JOIN dwh.fact_orders AS fo
        ON fo.order_id = co.order_id
      WHERE
        co.year_month IN (
          SELECT
            __k
          FROM __affected_mart_category_monthly
        )
      GROUP BY
        co.category_name,
        co.year_month
    )
    SELECT
      s.category_name AS category_name,
      s.year_month AS year_month,
      s.month_start AS month_start,
      CAST(s.orders AS INT) AS orders,
      CAST(s.items AS INT) AS items,
      CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
      CAST(s.freight AS DECIMAL(14, 2)) AS freight,
      CAST(COALESCE(r.reviewed_orders, 0) AS INT) AS reviewed_orders,
      CAST(ROUND(
        CAST(CAST(CAST(CAST(CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) AS DECIMAL(38, 4)) * CAST(10000 AS DECIMAL(38, 0)) AS INT128) * CAST(1000000000000000000000 AS INT128) // CAST(CAST(NULLIF(r.reviewed_orders, 0) AS DECIMAL(38, 0)) * CAST(1 AS DECIMAL(38, 0)) AS INT128) AS DECIMAL(38, 0)) * CAST(0.0000000000000000000000001 AS DECIMAL(26, 25)) AS DECIMAL(38, 24)) AS DECIMAL(24, 8)),
        2
      ) AS DECIMAL(4, 2)) AS avg_review_score
    FROM sales AS s
    LEFT JOIN reviews AS r
      ON r.category_name = s.category_name AND r.year_month = s.year_month
    WHERE
      s.year_month IN (
        SELECT
          __k
        FROM __affected_mart_category_monthly
      )
  ) AS __m
  WHERE
    __m.year_month IN (
      SELECT
        __k
      FROM __affected_mart_category_monthly
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'mart_category_monthly' returned several rows for one key (year_month, category_name)
SELECT
  COUNT(*)
FROM (
  SELECT
    year_month,
    category_name
  FROM __src_mart_category_monthly
  GROUP BY
    year_month,
    category_name
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM mart.mart_category_monthly
WHERE
  year_month IN (
    SELECT
      __k
    FROM __affected_mart_category_monthly
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO mart.mart_category_monthly (
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
)
SELECT
  category_name,
  year_month,
  month_start,
  orders,
  items,
  revenue,
  freight,
  reviewed_orders,
  avg_review_score,
  _build_seq
FROM __src_mart_category_monthly;

COMMIT;
