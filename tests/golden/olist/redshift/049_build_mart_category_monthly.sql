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
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
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
    CAST(s.orders AS INTEGER) AS orders,
    CAST(s.items AS INTEGER) AS items,
    CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
    CAST(s.freight AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(r.reviewed_orders, 0) AS INTEGER) AS reviewed_orders,
    CAST(ROUND(
      CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) / NULLIF(r.reviewed_orders, 0) AS DECIMAL(24, 8)),
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

-- merge by key
MERGE INTO mart.mart_category_monthly
USING __src_mart_category_monthly
ON mart_category_monthly.year_month = __src_mart_category_monthly.year_month
AND mart_category_monthly.category_name = __src_mart_category_monthly.category_name
WHEN MATCHED THEN UPDATE SET
  month_start = __src_mart_category_monthly.month_start,
  orders = __src_mart_category_monthly.orders,
  items = __src_mart_category_monthly.items,
  revenue = __src_mart_category_monthly.revenue,
  freight = __src_mart_category_monthly.freight,
  reviewed_orders = __src_mart_category_monthly.reviewed_orders,
  avg_review_score = __src_mart_category_monthly.avg_review_score,
  _build_seq = __src_mart_category_monthly._build_seq
WHEN NOT MATCHED THEN INSERT (
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
) VALUES (
  __src_mart_category_monthly.category_name,
  __src_mart_category_monthly.year_month,
  __src_mart_category_monthly.month_start,
  __src_mart_category_monthly.orders,
  __src_mart_category_monthly.items,
  __src_mart_category_monthly.revenue,
  __src_mart_category_monthly.freight,
  __src_mart_category_monthly.reviewed_orders,
  __src_mart_category_monthly.avg_review_score,
  __src_mart_category_monthly._build_seq
);

-- delete keys its SELECT no longer returns
DELETE FROM mart.mart_category_monthly
WHERE
  NOT EXISTS(
    SELECT
      1
    FROM __src_mart_category_monthly AS __s
    WHERE
      mart_category_monthly.year_month = __s.year_month
      AND mart_category_monthly.category_name = __s.category_name
  );

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_mart_category_monthly;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_mart_category_monthly AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      year_month AS __v
    FROM dwh.dim_date
    WHERE
      date_key IN (
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
              FROM (
                SELECT
                  CAST(value AS VARCHAR(65535)) AS __v
                FROM elt.changed_values
                WHERE
                  pipeline = %(pipeline)s
                  AND relation = 'dim_product'
                  AND column_name = 'product_sk'
                  AND seq > %(since_dim_product)s
              ) AS __h
            )
          UNION
          SELECT
            CAST(value AS DATE) AS __v
          FROM elt.changed_values
          WHERE
            pipeline = %(pipeline)s
            AND relation = 'fact_order_items'
            AND column_name = 'date_key'
            AND seq > %(since_fact_order_items)s
          UNION
          SELECT
            date_key AS __v
          FROM dwh.fact_order_items
          WHERE
            order_id IN (
              SELECT
                __v
              FROM (
                SELECT
                  CAST(key AS VARCHAR(65535)) AS __v
                FROM elt.model_changes
                WHERE
                  pipeline = %(pipeline)s
                  AND model = 'fact_orders'
                  AND build_seq > %(since_fact_orders)s
              ) AS __h
            )
        ) AS __h
      )
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      CAST(value AS VARCHAR(65535)) AS __v
    FROM elt.changed_values
    WHERE
      pipeline = %(pipeline)s
      AND relation = 'dim_date'
      AND column_name = 'year_month'
      AND seq > %(since_dim_date)s
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

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
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
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
      CAST(s.orders AS INTEGER) AS orders,
      CAST(s.items AS INTEGER) AS items,
      CAST(s.revenue AS DECIMAL(14, 2)) AS revenue,
      CAST(s.freight AS DECIMAL(14, 2)) AS freight,
      CAST(COALESCE(r.reviewed_orders, 0) AS INTEGER) AS reviewed_orders,
      CAST(ROUND(
        CAST(CAST(r.review_score_sum AS DECIMAL(18, 4)) / NULLIF(r.reviewed_orders, 0) AS DECIMAL(24, 8)),
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

-- when its inputs' changes are known (a scoped build): merge by key
MERGE INTO mart.mart_category_monthly
USING __src_mart_category_monthly
ON mart_category_monthly.year_month = __src_mart_category_monthly.year_month
AND mart_category_monthly.category_name = __src_mart_category_monthly.category_name
WHEN MATCHED THEN UPDATE SET
  month_start = __src_mart_category_monthly.month_start,
  orders = __src_mart_category_monthly.orders,
  items = __src_mart_category_monthly.items,
  revenue = __src_mart_category_monthly.revenue,
  freight = __src_mart_category_monthly.freight,
  reviewed_orders = __src_mart_category_monthly.reviewed_orders,
  avg_review_score = __src_mart_category_monthly.avg_review_score,
  _build_seq = __src_mart_category_monthly._build_seq
WHEN NOT MATCHED THEN INSERT (
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
) VALUES (
  __src_mart_category_monthly.category_name,
  __src_mart_category_monthly.year_month,
  __src_mart_category_monthly.month_start,
  __src_mart_category_monthly.orders,
  __src_mart_category_monthly.items,
  __src_mart_category_monthly.revenue,
  __src_mart_category_monthly.freight,
  __src_mart_category_monthly.reviewed_orders,
  __src_mart_category_monthly.avg_review_score,
  __src_mart_category_monthly._build_seq
);

-- when its inputs' changes are known (a scoped build): delete keys its SELECT no longer returns
DELETE FROM mart.mart_category_monthly
WHERE
  year_month IN (
    SELECT
      __k
    FROM __affected_mart_category_monthly
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM __src_mart_category_monthly AS __s
    WHERE
      mart_category_monthly.year_month = __s.year_month
      AND mart_category_monthly.category_name = __s.category_name
  );

COMMIT;
