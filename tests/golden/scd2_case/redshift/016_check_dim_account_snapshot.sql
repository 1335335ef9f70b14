-- step check:dim_account_snapshot
-- after: build:dim_account_snapshot

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        account_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_account_snapshot
      WHERE
        NOT account_sk IS NULL
      GROUP BY
        account_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        region,
        account_no,
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
      FROM dwh.dim_account_snapshot
      GROUP BY
        region,
        account_no
      HAVING
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_account_snapshot
    WHERE
      valid_from >= valid_to
      OR is_current <> (
        valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
      )
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        region,
        account_no,
        valid_from,
        valid_to,
        LEAD(valid_from) OVER (PARTITION BY region, account_no ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
      FROM dwh.dim_account_snapshot
    ) AS __w
    WHERE
      NOT next_valid_from IS NULL AND next_valid_from < valid_to
  ) AS check_3;

-- check unique(account_sk) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT account_sk, COUNT(*) AS occurrences FROM dwh.dim_account_snapshot WHERE NOT account_sk IS NULL GROUP BY account_sk HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    account_sk,
    COUNT(*) AS occurrences
  FROM dwh.dim_account_snapshot
  WHERE
    NOT account_sk IS NULL
  GROUP BY
    account_sk
  HAVING
    COUNT(*) > 1
) AS __f;

-- check scd2_one_current_row_per_key [error]: at most one current version per key
-- sample of failing rows: SELECT * FROM (SELECT region, account_no, SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows FROM dwh.dim_account_snapshot GROUP BY region, account_no HAVING SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    region,
    account_no,
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
  FROM dwh.dim_account_snapshot
  GROUP BY
    region,
    account_no
  HAVING
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1
) AS __f;

-- check scd2_valid_windows [error]: valid_from < valid_to; is_current iff open
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_account_snapshot WHERE valid_from >= valid_to OR is_current <> (valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP))) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_account_snapshot
WHERE
  valid_from >= valid_to
  OR is_current <> (
    valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  );

-- check scd2_no_overlaps [error]: consecutive versions of a key touch without overlapping
-- sample of failing rows: SELECT * FROM (SELECT * FROM (SELECT region, account_no, valid_from, valid_to, LEAD(valid_from) OVER (PARTITION BY region, account_no ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from FROM dwh.dim_account_snapshot) AS __w WHERE NOT next_valid_from IS NULL AND next_valid_from < valid_to) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    region,
    account_no,
    valid_from,
    valid_to,
    LEAD(valid_from) OVER (PARTITION BY region, account_no ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
  FROM dwh.dim_account_snapshot
) AS __w
WHERE
  NOT next_valid_from IS NULL AND next_valid_from < valid_to;
