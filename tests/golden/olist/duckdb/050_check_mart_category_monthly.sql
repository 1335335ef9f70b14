-- step check:mart_category_monthly
-- after: build:mart_category_monthly, build:dim_product

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_category_monthly
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        category_name,
        year_month,
        COUNT(*) AS occurrences
      FROM mart.mart_category_monthly
      WHERE
        NOT category_name IS NULL OR NOT year_month IS NULL
      GROUP BY
        category_name,
        year_month
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly
    WHERE
      CASE
        WHEN orders >= 1 AND items >= orders AND reviewed_orders <= orders
        THEN 1
        ELSE 0
      END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly
    WHERE
      CASE WHEN revenue > 0 AND freight >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly
    WHERE
      CASE
        WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly
    WHERE
      category_name IS NULL
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly AS __c
    WHERE
      NOT __c.category_name IS NULL
      AND NOT __c.category_name IN (
        SELECT
          __p.category_name
        FROM dwh.dim_product AS __p
        WHERE
          NOT __p.category_name IS NULL
      )
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_category_monthly
    WHERE
      year_month IS NULL
  ) AS check_7;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_category_monthly
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        category_name,
        year_month,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_mart_category_monthly
      ) AS mart_category_monthly
      WHERE
        NOT category_name IS NULL OR NOT year_month IS NULL
      GROUP BY
        category_name,
        year_month
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS mart_category_monthly
    WHERE
      CASE
        WHEN orders >= 1 AND items >= orders AND reviewed_orders <= orders
        THEN 1
        ELSE 0
      END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS mart_category_monthly
    WHERE
      CASE WHEN revenue > 0 AND freight >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS mart_category_monthly
    WHERE
      CASE
        WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS mart_category_monthly
    WHERE
      category_name IS NULL
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS __c
    WHERE
      NOT __c.category_name IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_product AS __p
        WHERE
          __p.category_name = __c.category_name
      )
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_category_monthly
    ) AS mart_category_monthly
    WHERE
      year_month IS NULL
  ) AS check_7;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_category_monthly HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM mart.mart_category_monthly
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(category_name, year_month) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT category_name, year_month, COUNT(*) AS occurrences FROM mart.mart_category_monthly WHERE NOT category_name IS NULL OR NOT year_month IS NULL GROUP BY category_name, year_month HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    category_name,
    year_month,
    COUNT(*) AS occurrences
  FROM mart.mart_category_monthly
  WHERE
    NOT category_name IS NULL OR NOT year_month IS NULL
  GROUP BY
    category_name,
    year_month
  HAVING
    COUNT(*) > 1
) AS __f;

-- check expression(counts_consistent) [error]: orders >= 1 AND items >= orders AND reviewed_orders <= orders
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly WHERE CASE WHEN orders >= 1 AND items >= orders AND reviewed_orders <= orders THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly
WHERE
  CASE
    WHEN orders >= 1 AND items >= orders AND reviewed_orders <= orders
    THEN 1
    ELSE 0
  END = 0;

-- check expression(amounts_not_negative) [error]: revenue > 0 AND freight >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly WHERE CASE WHEN revenue > 0 AND freight >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly
WHERE
  CASE WHEN revenue > 0 AND freight >= 0 THEN 1 ELSE 0 END = 0;

-- check expression(review_average_in_range) [error]: avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly WHERE CASE WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly
WHERE
  CASE
    WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
    THEN 1
    ELSE 0
  END = 0;

-- check not_null(category_name) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly WHERE category_name IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly
WHERE
  category_name IS NULL;

-- check relationships(category_name -> dim_product.category_name) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly AS __c WHERE NOT __c.category_name IS NULL AND NOT __c.category_name IN (SELECT __p.category_name FROM dwh.dim_product AS __p WHERE NOT __p.category_name IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly AS __c
WHERE
  NOT __c.category_name IS NULL
  AND NOT __c.category_name IN (
    SELECT
      __p.category_name
    FROM dwh.dim_product AS __p
    WHERE
      NOT __p.category_name IS NULL
  );

-- check not_null(year_month) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_category_monthly WHERE year_month IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_category_monthly
WHERE
  year_month IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_category_monthly HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(category_name, year_month): SELECT * FROM (SELECT category_name, year_month, COUNT(*) AS occurrences FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE NOT category_name IS NULL OR NOT year_month IS NULL GROUP BY category_name, year_month HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(counts_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE CASE WHEN orders >= 1 AND items >= orders AND reviewed_orders <= orders THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(amounts_not_negative): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE CASE WHEN revenue > 0 AND freight >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(review_average_in_range): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE CASE WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(category_name): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE category_name IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(category_name -> dim_product.category_name): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS __c WHERE NOT __c.category_name IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_product AS __p WHERE __p.category_name = __c.category_name)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(year_month): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_category_monthly) AS mart_category_monthly WHERE year_month IS NULL) AS __f LIMIT 5
