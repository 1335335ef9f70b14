-- step check:fact_purchase
-- after: build:fact_purchase, build:dim_member

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        purchase_id,
        COUNT(*) AS occurrences
      FROM dwh.fact_purchase
      WHERE
        NOT purchase_id IS NULL
      GROUP BY
        purchase_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_purchase AS __c
    WHERE
      NOT __c.member_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_member AS __p
        WHERE
          __p.member_sk = __c.member_sk
      )
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_purchase
    WHERE
      CASE WHEN amount > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_purchase
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_3;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        purchase_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_purchase
      ) AS fact_purchase
      WHERE
        NOT purchase_id IS NULL
      GROUP BY
        purchase_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_purchase
    ) AS __c
    WHERE
      NOT __c.member_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_member AS __p
        WHERE
          __p.member_sk = __c.member_sk
      )
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_purchase
    ) AS fact_purchase
    WHERE
      CASE WHEN amount > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_purchase
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_3;

-- check unique(purchase_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT purchase_id, COUNT(*) AS occurrences FROM dwh.fact_purchase WHERE NOT purchase_id IS NULL GROUP BY purchase_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    purchase_id,
    COUNT(*) AS occurrences
  FROM dwh.fact_purchase
  WHERE
    NOT purchase_id IS NULL
  GROUP BY
    purchase_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check relationships(member_sk -> dim_member.member_sk) [warn]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_purchase AS __c WHERE NOT __c.member_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_member AS __p WHERE __p.member_sk = __c.member_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_purchase AS __c
WHERE
  NOT __c.member_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_member AS __p
    WHERE
      __p.member_sk = __c.member_sk
  );

-- check expression(positive_amount) [error]: amount > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_purchase WHERE CASE WHEN amount > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_purchase
WHERE
  CASE WHEN amount > 0 THEN 1 ELSE 0 END = 0;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_purchase HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.fact_purchase
  HAVING
    COUNT(*) < 1
) AS __f;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(purchase_id): SELECT * FROM (SELECT purchase_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_purchase) AS fact_purchase WHERE NOT purchase_id IS NULL GROUP BY purchase_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(member_sk -> dim_member.member_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_purchase) AS __c WHERE NOT __c.member_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_member AS __p WHERE __p.member_sk = __c.member_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(positive_amount): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_purchase) AS fact_purchase WHERE CASE WHEN amount > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_purchase HAVING COUNT(*) < 1) AS __f LIMIT 5
