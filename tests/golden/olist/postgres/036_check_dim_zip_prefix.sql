-- step check:dim_zip_prefix
-- after: build:dim_zip_prefix

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_zip_prefix
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_zip_prefix
    WHERE
      CASE
        WHEN lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5 AND points >= 1
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        zip_code_prefix,
        COUNT(*) AS occurrences
      FROM dwh.dim_zip_prefix
      WHERE
        NOT zip_code_prefix IS NULL
      GROUP BY
        zip_code_prefix
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_zip_prefix
    WHERE
      zip_code_prefix IS NULL
  ) AS check_3;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_zip_prefix HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.dim_zip_prefix
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(inside_brazil) [error]: lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5 AND points >= 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_zip_prefix WHERE CASE WHEN lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5 AND points >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_zip_prefix
WHERE
  CASE
    WHEN lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5 AND points >= 1
    THEN 1
    ELSE 0
  END = 0;

-- check unique(zip_code_prefix) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT zip_code_prefix, COUNT(*) AS occurrences FROM dwh.dim_zip_prefix WHERE NOT zip_code_prefix IS NULL GROUP BY zip_code_prefix HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    zip_code_prefix,
    COUNT(*) AS occurrences
  FROM dwh.dim_zip_prefix
  WHERE
    NOT zip_code_prefix IS NULL
  GROUP BY
    zip_code_prefix
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(zip_code_prefix) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_zip_prefix WHERE zip_code_prefix IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_zip_prefix
WHERE
  zip_code_prefix IS NULL;
