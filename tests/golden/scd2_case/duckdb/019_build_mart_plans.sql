-- step build:mart_plans
-- after: table:mart_plans, check:dim_account
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_mart_plans;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_mart_plans AS
SELECT
  __q.plan,
  __q.accounts,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    COALESCE(dim_account.plan, 'none') AS plan,
    COUNT(*) AS accounts
  FROM dwh.dim_account AS dim_account
  WHERE
    dim_account.is_current
  GROUP BY
    COALESCE(dim_account.plan, 'none')
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'mart_plans' returned several rows for one key (plan)
SELECT
  COUNT(*)
FROM (
  SELECT
    plan
  FROM __src_mart_plans
  GROUP BY
    plan
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM mart.mart_plans;

-- fill the table
INSERT INTO mart.mart_plans (
  plan,
  accounts,
  _build_seq
)
SELECT
  plan,
  accounts,
  _build_seq
FROM __src_mart_plans;

-- drop the staging table
DROP TABLE IF EXISTS __src_mart_plans;

COMMIT;
