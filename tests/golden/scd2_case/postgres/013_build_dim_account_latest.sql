-- step build:dim_account_latest
-- after: table:dim_account_latest, load:account_events
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_account_latest;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_account_latest AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.region AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.region AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.account_no AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.account_no AS VARCHAR),
      '~'
    )
  ) AS account_key,
  __q.region,
  __q.account_no,
  __q.plan,
  __q.owner,
  __q.changed_at,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    latest.region AS region,
    latest.account_no AS account_no,
    latest.plan AS plan,
    latest.owner AS owner,
    latest.changed_at AS changed_at
  FROM (
    SELECT
      account_events.region AS region,
      account_events.account_no AS account_no,
      account_events.plan AS plan,
      account_events.owner AS owner,
      account_events.changed_at AS changed_at,
      ROW_NUMBER() OVER (
        PARTITION BY account_events.region, account_events.account_no
        ORDER BY account_events.changed_at DESC
      ) AS rn
    FROM staging.account_events AS account_events
  ) AS latest
  WHERE
    latest.rn = 1
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'dim_account_latest' returned several rows for one key (region, account_no)
SELECT
  COUNT(*)
FROM (
  SELECT
    region,
    account_no
  FROM __src_dim_account_latest
  GROUP BY
    region,
    account_no
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- merge by key
MERGE INTO dwh.dim_account_latest
USING __src_dim_account_latest
ON dim_account_latest.region = __src_dim_account_latest.region
AND dim_account_latest.account_no = __src_dim_account_latest.account_no
WHEN MATCHED THEN UPDATE SET
  account_key = __src_dim_account_latest.account_key,
  plan = __src_dim_account_latest.plan,
  owner = __src_dim_account_latest.owner,
  changed_at = __src_dim_account_latest.changed_at,
  _build_seq = __src_dim_account_latest._build_seq
WHEN NOT MATCHED THEN INSERT (account_key, region, account_no, plan, owner, changed_at, _build_seq) VALUES (
  __src_dim_account_latest.account_key,
  __src_dim_account_latest.region,
  __src_dim_account_latest.account_no,
  __src_dim_account_latest.plan,
  __src_dim_account_latest.owner,
  __src_dim_account_latest.changed_at,
  __src_dim_account_latest._build_seq
);

-- delete keys its SELECT no longer returns
DELETE FROM dwh.dim_account_latest
WHERE
  NOT EXISTS(
    SELECT
      1
    FROM __src_dim_account_latest AS __s
    WHERE
      dim_account_latest.region = __s.region
      AND dim_account_latest.account_no = __s.account_no
  );

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_account_latest;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_dim_account_latest;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_dim_account_latest AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      region AS __v
    FROM staging.account_events
    WHERE
      _load_seq > %(since_account_events)s
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_dim_account_latest;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_account_latest;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_account_latest AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.region AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.region AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.account_no AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.account_no AS VARCHAR),
      '~'
    )
  ) AS account_key,
  __q.region,
  __q.account_no,
  __q.plan,
  __q.owner,
  __q.changed_at,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.region,
    __m.account_no,
    __m.plan,
    __m.owner,
    __m.changed_at
  FROM (
    SELECT
      latest.region AS region,
      latest.account_no AS account_no,
      latest.plan AS plan,
      latest.owner AS owner,
      latest.changed_at AS changed_at
    FROM (
      SELECT
        account_events.region AS region,
        account_events.account_no AS account_no,
        account_events.plan AS plan,
        account_events.owner AS owner,
        account_events.changed_at AS changed_at,
        ROW_NUMBER() OVER (
          PARTITION BY account_events.region, account_events.account_no
          ORDER BY account_events.changed_at DESC
        ) AS rn
      FROM staging.account_events AS account_events
    ) AS latest
    WHERE
      latest.rn = 1
      AND latest.region IN (
        SELECT
          __k
        FROM __affected_dim_account_latest
      )
  ) AS __m
  WHERE
    __m.region IN (
      SELECT
        __k
      FROM __affected_dim_account_latest
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'dim_account_latest' returned several rows for one key (region, account_no)
SELECT
  COUNT(*)
FROM (
  SELECT
    region,
    account_no
  FROM __src_dim_account_latest
  GROUP BY
    region,
    account_no
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): merge by key
MERGE INTO dwh.dim_account_latest
USING __src_dim_account_latest
ON dim_account_latest.region = __src_dim_account_latest.region
AND dim_account_latest.account_no = __src_dim_account_latest.account_no
WHEN MATCHED THEN UPDATE SET
  account_key = __src_dim_account_latest.account_key,
  plan = __src_dim_account_latest.plan,
  owner = __src_dim_account_latest.owner,
  changed_at = __src_dim_account_latest.changed_at,
  _build_seq = __src_dim_account_latest._build_seq
WHEN NOT MATCHED THEN INSERT (account_key, region, account_no, plan, owner, changed_at, _build_seq) VALUES (
  __src_dim_account_latest.account_key,
  __src_dim_account_latest.region,
  __src_dim_account_latest.account_no,
  __src_dim_account_latest.plan,
  __src_dim_account_latest.owner,
  __src_dim_account_latest.changed_at,
  __src_dim_account_latest._build_seq
);

-- when its inputs' changes are known (a scoped build): delete keys its SELECT no longer returns
DELETE FROM dwh.dim_account_latest
WHERE
  region IN (
    SELECT
      __k
    FROM __affected_dim_account_latest
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM __src_dim_account_latest AS __s
    WHERE
      dim_account_latest.region = __s.region
      AND dim_account_latest.account_no = __s.account_no
  );

COMMIT;
