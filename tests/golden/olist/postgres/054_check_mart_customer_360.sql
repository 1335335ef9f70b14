-- step check:mart_customer_360
-- after: build:mart_customer_360

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_360
    WHERE
      CASE WHEN recency_days >= 0 AND recency_days <= tenure_days THEN 1 ELSE 0 END = 0
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_360
    WHERE
      recency_days IS NULL
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_360
    WHERE
      tenure_days IS NULL
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_360
    WHERE
      segment IS NULL
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_360
    WHERE
      NOT segment IS NULL
      AND NOT segment IN ('champion', 'loyal', 'new', 'at_risk', 'lost', 'never_delivered')
  ) AS check_4;

-- check expression(order_window_consistent) [error]: recency_days >= 0 AND recency_days <= tenure_days
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_360 WHERE CASE WHEN recency_days >= 0 AND recency_days <= tenure_days THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_360
WHERE
  CASE WHEN recency_days >= 0 AND recency_days <= tenure_days THEN 1 ELSE 0 END = 0;

-- check not_null(recency_days) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_360 WHERE recency_days IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_360
WHERE
  recency_days IS NULL;

-- check not_null(tenure_days) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_360 WHERE tenure_days IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_360
WHERE
  tenure_days IS NULL;

-- check not_null(segment) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_360 WHERE segment IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_360
WHERE
  segment IS NULL;

-- check accepted_values(segment) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_360 WHERE NOT segment IS NULL AND NOT segment IN ('champion', 'loyal', 'new', 'at_risk', 'lost', 'never_delivered')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_360
WHERE
  NOT segment IS NULL
  AND NOT segment IN ('champion', 'loyal', 'new', 'at_risk', 'lost', 'never_delivered');
