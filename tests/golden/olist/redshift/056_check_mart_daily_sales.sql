-- step check:mart_daily_sales
-- after: build:mart_daily_sales, build:dim_date

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_daily_sales
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      CASE
        WHEN delivered_orders + canceled_orders <= orders
        AND new_customers <= orders
        AND (
          orders > 0 OR (
            items = 0 AND payments = 0
          )
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      CASE WHEN revenue >= 0 AND freight >= 0 AND payments >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      CASE
        WHEN (
          orders = 0 AND avg_ticket IS NULL
        )
        OR (
          orders > 0 AND NOT avg_ticket IS NULL
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        date_key,
        COUNT(*) AS occurrences
      FROM mart.mart_daily_sales
      WHERE
        NOT date_key IS NULL
      GROUP BY
        date_key
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      date_key IS NULL
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_date AS __p
        WHERE
          __p.date_key = __c.date_key
      )
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      orders IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      revenue IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      freight IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      payments IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_daily_sales
    WHERE
      new_customers IS NULL
  ) AS check_11;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_daily_sales HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM mart.mart_daily_sales
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(counts_consistent) [error]: delivered_orders + canceled_orders <= orders AND new_customers <= orders AND (orders > 0 OR (items = 0 AND payments = 0))
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE CASE WHEN delivered_orders + canceled_orders <= orders AND new_customers <= orders AND (orders > 0 OR (items = 0 AND payments = 0)) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  CASE
    WHEN delivered_orders + canceled_orders <= orders
    AND new_customers <= orders
    AND (
      orders > 0 OR (
        items = 0 AND payments = 0
      )
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(amounts_not_negative) [error]: revenue >= 0 AND freight >= 0 AND payments >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE CASE WHEN revenue >= 0 AND freight >= 0 AND payments >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  CASE WHEN revenue >= 0 AND freight >= 0 AND payments >= 0 THEN 1 ELSE 0 END = 0;

-- check expression(avg_ticket_iff_orders) [error]: (orders = 0 AND avg_ticket IS NULL) OR (orders > 0 AND avg_ticket IS NOT NULL)
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE CASE WHEN (orders = 0 AND avg_ticket IS NULL) OR (orders > 0 AND NOT avg_ticket IS NULL) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  CASE
    WHEN (
      orders = 0 AND avg_ticket IS NULL
    )
    OR (
      orders > 0 AND NOT avg_ticket IS NULL
    )
    THEN 1
    ELSE 0
  END = 0;

-- check unique(date_key) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT date_key, COUNT(*) AS occurrences FROM mart.mart_daily_sales WHERE NOT date_key IS NULL GROUP BY date_key HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    date_key,
    COUNT(*) AS occurrences
  FROM mart.mart_daily_sales
  WHERE
    NOT date_key IS NULL
  GROUP BY
    date_key
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  date_key IS NULL;

-- check relationships(date_key -> dim_date.date_key) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales AS __c
WHERE
  NOT __c.date_key IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_date AS __p
    WHERE
      __p.date_key = __c.date_key
  );

-- check not_null(orders) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE orders IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  orders IS NULL;

-- check not_null(revenue) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE revenue IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  revenue IS NULL;

-- check not_null(freight) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE freight IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  freight IS NULL;

-- check not_null(payments) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE payments IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  payments IS NULL;

-- check not_null(new_customers) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_daily_sales WHERE new_customers IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_daily_sales
WHERE
  new_customers IS NULL;
