-- step check:fact_usage
-- after: build:fact_usage, build:dim_account

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_usage AS __c
    WHERE
      NOT __c.account_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_account AS __p
        WHERE
          __p.account_sk = __c.account_sk
      )
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_usage
    WHERE
      account_sk IS NULL
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_usage
    WHERE
      CASE WHEN events > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_usage
    WHERE
      NOT region IS NULL AND NOT region IN ('eu', 'us')
  ) AS check_3;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_usage
    ) AS __c
    WHERE
      NOT __c.account_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_account AS __p
        WHERE
          __p.account_sk = __c.account_sk
      )
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_usage
    ) AS fact_usage
    WHERE
      account_sk IS NULL
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_usage
    ) AS fact_usage
    WHERE
      CASE WHEN events > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_usage
    ) AS fact_usage
    WHERE
      NOT region IS NULL AND NOT region IN ('eu', 'us')
  ) AS check_3;

-- check relationships(account_sk -> dim_account.account_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_usage AS __c WHERE NOT __c.account_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_account AS __p WHERE __p.account_sk = __c.account_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_usage AS __c
WHERE
  NOT __c.account_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_account AS __p
    WHERE
      __p.account_sk = __c.account_sk
  );

-- check not_null(account_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_usage WHERE account_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_usage
WHERE
  account_sk IS NULL;

-- check expression(positive_events) [error]: events > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_usage WHERE CASE WHEN events > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_usage
WHERE
  CASE WHEN events > 0 THEN 1 ELSE 0 END = 0;

-- check accepted_values(region) [warn]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_usage WHERE NOT region IS NULL AND NOT region IN ('eu', 'us')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_usage
WHERE
  NOT region IS NULL AND NOT region IN ('eu', 'us');

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(account_sk -> dim_account.account_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_usage) AS __c WHERE NOT __c.account_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_account AS __p WHERE __p.account_sk = __c.account_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(account_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_usage) AS fact_usage WHERE account_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(positive_events): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_usage) AS fact_usage WHERE CASE WHEN events > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(region): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_usage) AS fact_usage WHERE NOT region IS NULL AND NOT region IN ('eu', 'us')) AS __f LIMIT 5
