-- step check:dim_account_latest
-- after: build:dim_account_latest

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        account_key,
        COUNT(*) AS occurrences
      FROM dwh.dim_account_latest
      WHERE
        NOT account_key IS NULL
      GROUP BY
        account_key
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        account_key,
        COUNT(*) AS occurrences
      FROM dwh.dim_account_latest
      WHERE
        NOT account_key IS NULL
        AND (
          account_key IN (
            SELECT
              account_key
            FROM __src_dim_account_latest
          )
        )
      GROUP BY
        account_key
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0;

-- check unique(account_key) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT account_key, COUNT(*) AS occurrences FROM dwh.dim_account_latest WHERE NOT account_key IS NULL GROUP BY account_key HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    account_key,
    COUNT(*) AS occurrences
  FROM dwh.dim_account_latest
  WHERE
    NOT account_key IS NULL
  GROUP BY
    account_key
  HAVING
    COUNT(*) > 1
) AS __f;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(account_key): SELECT * FROM (SELECT account_key, COUNT(*) AS occurrences FROM dwh.dim_account_latest WHERE NOT account_key IS NULL AND (account_key IN (SELECT account_key FROM __src_dim_account_latest)) GROUP BY account_key HAVING COUNT(*) > 1) AS __f LIMIT 5
