-- step check:mart_plans
-- after: build:mart_plans

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_plans
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        plan,
        COUNT(*) AS occurrences
      FROM mart.mart_plans
      WHERE
        NOT plan IS NULL
      GROUP BY
        plan
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_plans HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM mart.mart_plans
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(plan) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT plan, COUNT(*) AS occurrences FROM mart.mart_plans WHERE NOT plan IS NULL GROUP BY plan HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    plan,
    COUNT(*) AS occurrences
  FROM mart.mart_plans
  WHERE
    NOT plan IS NULL
  GROUP BY
    plan
  HAVING
    COUNT(*) > 1
) AS __f;
