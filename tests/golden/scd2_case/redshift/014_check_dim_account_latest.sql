-- step check:dim_account_latest
-- after: build:dim_account_latest

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
