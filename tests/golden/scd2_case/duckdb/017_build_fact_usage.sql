-- step build:fact_usage
-- after: table:fact_usage, load:account_events, check:dim_account
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_usage;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_usage AS
SELECT
  __q.region,
  __q.account_no,
  __q.usage_date,
  __q.account_sk,
  __q.events,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  WITH daily AS (
    SELECT
      account_events.region AS region,
      account_events.account_no AS account_no,
      CAST(account_events.changed_at AS DATE) AS usage_date,
      COUNT(*) AS events,
      MAX(account_events.changed_at) AS last_at
    FROM staging.account_events AS account_events
    GROUP BY
      account_events.region,
      account_events.account_no,
      CAST(account_events.changed_at AS DATE)
  )
  SELECT
    daily.region AS region,
    daily.account_no AS account_no,
    daily.usage_date AS usage_date,
    d.account_sk AS account_sk,
    daily.events AS events
  FROM daily AS daily
  LEFT JOIN dwh.dim_account AS d
    ON d.region = daily.region
    AND d.account_no = daily.account_no
    AND daily.last_at >= d.valid_from
    AND daily.last_at < d.valid_to
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_usage' returned several rows for one key (region, account_no, usage_date)
SELECT
  COUNT(*)
FROM (
  SELECT
    region,
    account_no,
    usage_date
  FROM __src_fact_usage
  GROUP BY
    region,
    account_no,
    usage_date
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows it recomputes
DELETE FROM dwh.fact_usage;

-- insert the new rows
INSERT INTO dwh.fact_usage (
  region,
  account_no,
  usage_date,
  account_sk,
  events,
  _build_seq
)
SELECT
  region,
  account_no,
  usage_date,
  account_sk,
  events,
  _build_seq
FROM __src_fact_usage;

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_usage;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_usage;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_usage AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      region AS __v
    FROM staging.account_events
    WHERE
      _load_seq > $since_account_events
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_usage;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_usage;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_usage AS
SELECT
  __q.region,
  __q.account_no,
  __q.usage_date,
  __q.account_sk,
  __q.events,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.region,
    __m.account_no,
    __m.usage_date,
    __m.account_sk,
    __m.events
  FROM (
    WITH daily AS (
      SELECT
        account_events.region AS region,
        account_events.account_no AS account_no,
        CAST(account_events.changed_at AS DATE) AS usage_date,
        COUNT(*) AS events,
        MAX(account_events.changed_at) AS last_at
      FROM staging.account_events AS account_events
      WHERE
        account_events.region IN (
          SELECT
            __k
          FROM __affected_fact_usage
        )
      GROUP BY
        account_events.region,
        account_events.account_no,
        CAST(account_events.changed_at AS DATE)
    )
    SELECT
      daily.region AS region,
      daily.account_no AS account_no,
      daily.usage_date AS usage_date,
      d.account_sk AS account_sk,
      daily.events AS events
    FROM daily AS daily
    LEFT JOIN dwh.dim_account AS d
      ON d.region = daily.region
      AND d.account_no = daily.account_no
      AND daily.last_at >= d.valid_from
      AND daily.last_at < d.valid_to
    WHERE
      daily.region IN (
        SELECT
          __k
        FROM __affected_fact_usage
      )
  ) AS __m
  WHERE
    __m.region IN (
      SELECT
        __k
      FROM __affected_fact_usage
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_usage' returned several rows for one key (region, account_no, usage_date)
SELECT
  COUNT(*)
FROM (
  SELECT
    region,
    account_no,
    usage_date
  FROM __src_fact_usage
  GROUP BY
    region,
    account_no,
    usage_date
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM dwh.fact_usage
WHERE
  region IN (
    SELECT
      __k
    FROM __affected_fact_usage
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO dwh.fact_usage (
  region,
  account_no,
  usage_date,
  account_sk,
  events,
  _build_seq
)
SELECT
  region,
  account_no,
  usage_date,
  account_sk,
  events,
  _build_seq
FROM __src_fact_usage;

COMMIT;
