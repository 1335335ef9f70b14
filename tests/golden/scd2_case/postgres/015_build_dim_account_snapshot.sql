-- step build:dim_account_snapshot
-- after: table:dim_account_snapshot, load:account_events
-- run-time parameters: batch_ts, build_seq
BEGIN;

-- drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_account_snapshot;

-- drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_account_snapshot;

-- drop a leftover work table
DROP TABLE IF EXISTS __tomb_dim_account_snapshot;

-- drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_account_snapshot;

-- drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_account_snapshot;

-- drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_account_snapshot;

-- stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_account_snapshot AS
SELECT
  __q.region,
  __q.account_no,
  __q.plan,
  __q.owner,
  __q.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.plan AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.plan AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.owner AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.owner AS VARCHAR),
      '~'
    )
  ) AS __attr_hash
FROM (
  SELECT
    account_events.region AS region,
    account_events.account_no AS account_no,
    account_events.plan AS plan,
    account_events.owner AS owner,
    account_events.changed_at AS changed_at
  FROM staging.account_events AS account_events
  WHERE
    account_events._batch_date = (
      SELECT
        MAX(account_events._batch_date) AS _col_0
      FROM staging.account_events AS account_events
    )
) AS __q;

-- collect the touched keys
CREATE TEMPORARY TABLE __keys_dim_account_snapshot AS
SELECT DISTINCT
  region,
  account_no
FROM __obs_dim_account_snapshot;

-- the touched keys' deletions (tombstones)
CREATE TEMPORARY TABLE __tomb_dim_account_snapshot AS
SELECT
  __t.region,
  __t.account_no,
  __t.plan,
  __t.owner,
  __t.changed_at,
  'deleted' AS __attr_hash,
  __t.valid_to AS __ts,
  0 AS __prio,
  TRUE AS __tomb
FROM dwh.dim_account_snapshot AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account_snapshot AS __k
    WHERE
      __k.region = __t.region AND __k.account_no = __t.account_no
  )
  AND __t.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_account_snapshot AS __n
    WHERE
      __n.region = __t.region
      AND __n.account_no = __t.account_no
      AND __n.valid_from = __t.valid_to
  );

-- gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_account_snapshot AS
SELECT
  __o.region,
  __o.account_no,
  __o.plan,
  __o.owner,
  __o.changed_at,
  __o.__attr_hash,
  CASE
    WHEN CAST(__o.changed_at AS TIMESTAMP) < __p.__placed
    AND CAST(__o.changed_at AS TIMESTAMP) >= __p.__placed_start
    AND (
      __d.__deleted IS NULL OR __p.__placed > __d.__deleted
    )
    THEN __p.__placed
    WHEN CAST(__o.changed_at AS TIMESTAMP) <= __d.__deleted
    THEN CAST(%(batch_ts)s AS TIMESTAMP)
    ELSE CAST(__o.changed_at AS TIMESTAMP)
  END AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_account_snapshot AS __o
LEFT JOIN (
  SELECT
    region,
    account_no,
    MAX(__ts) AS __deleted
  FROM __tomb_dim_account_snapshot
  WHERE
    __ts < CAST(%(batch_ts)s AS TIMESTAMP)
  GROUP BY
    region,
    account_no
) AS __d
  ON __d.region = __o.region AND __d.account_no = __o.account_no
LEFT JOIN (
  SELECT
    region,
    account_no,
    __placed,
    __placed_start
  FROM (
    SELECT
      __t.region,
      __t.account_no,
      __t.valid_from AS __placed,
      CAST(__t.changed_at AS TIMESTAMP) AS __placed_start,
      ROW_NUMBER() OVER (PARTITION BY __t.region, __t.account_no ORDER BY __t.valid_from DESC NULLS LAST) AS __rn
    FROM dwh.dim_account_snapshot AS __t
    WHERE
      EXISTS(
        SELECT
          1
        FROM __keys_dim_account_snapshot AS __k
        WHERE
          __k.region = __t.region AND __k.account_no = __t.account_no
      )
      AND __t.valid_from > CAST(__t.changed_at AS TIMESTAMP)
      AND __t.valid_from <= CAST(%(batch_ts)s AS TIMESTAMP)
  ) AS __r
  WHERE
    __rn = 1
) AS __p
  ON __p.region = __o.region AND __p.account_no = __o.account_no
UNION ALL
SELECT
  __t.region,
  __t.account_no,
  __t.plan,
  __t.owner,
  __t.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.plan AS VARCHAR)) AS VARCHAR) || ':' || CAST(__t.plan AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.owner AS VARCHAR)) AS VARCHAR) || ':' || CAST(__t.owner AS VARCHAR),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_account_snapshot AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account_snapshot AS __k
    WHERE
      __k.region = __t.region AND __k.account_no = __t.account_no
  )
UNION ALL
SELECT
  *
FROM __tomb_dim_account_snapshot
WHERE
  __ts <> CAST(%(batch_ts)s AS TIMESTAMP);

-- one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_account_snapshot AS
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  __attr_hash,
  __ts,
  __tomb,
  LAG(__attr_hash) OVER (PARTITION BY region, account_no ORDER BY __ts ASC NULLS FIRST) AS __prev_hash
FROM (
  SELECT
    region,
    account_no,
    plan,
    owner,
    changed_at,
    __attr_hash,
    __ts,
    __tomb,
    ROW_NUMBER() OVER (
      PARTITION BY region, account_no, __ts
      ORDER BY __prio DESC NULLS LAST, plan COLLATE "C" DESC NULLS LAST, owner COLLATE "C" DESC NULLS LAST, region COLLATE "C" DESC NULLS LAST, account_no DESC NULLS LAST, changed_at DESC NULLS LAST
    ) AS __rn
  FROM __cand_dim_account_snapshot
) AS __d
WHERE
  __rn = 1;

-- keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_account_snapshot AS
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  __tomb,
  __ts AS valid_from,
  COALESCE(
    LEAD(__ts) OVER (PARTITION BY region, account_no ORDER BY __ts ASC NULLS FIRST),
    CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  ) AS valid_to
FROM __chain_dim_account_snapshot
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- report: keys observed two ways at one instant
SELECT
  COUNT(*) AS scd2_ties
FROM (
  SELECT
    region,
    account_no,
    CAST(changed_at AS TIMESTAMP) AS __ts
  FROM __obs_dim_account_snapshot
  GROUP BY
    region,
    account_no,
    CAST(changed_at AS TIMESTAMP)
  HAVING
    COUNT(DISTINCT __attr_hash) > 1
) AS __tie;

-- report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_account_snapshot AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_account_snapshot AS __c
    WHERE
      __c.region = __v.region
      AND __c.account_no = __v.account_no
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- delete the touched keys' versions
DELETE FROM dwh.dim_account_snapshot
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account_snapshot AS __k
    WHERE
      __k.region = dim_account_snapshot.region
      AND __k.account_no = dim_account_snapshot.account_no
  );

-- insert the rebuilt chains
INSERT INTO dwh.dim_account_snapshot (
  account_sk,
  region,
  account_no,
  plan,
  owner,
  changed_at,
  valid_from,
  valid_to,
  is_current,
  _build_seq
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(region AS VARCHAR)) AS VARCHAR) || ':' || CAST(region AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(account_no AS VARCHAR)) AS VARCHAR) || ':' || CAST(account_no AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS VARCHAR)) AS VARCHAR) || ':' || CAST(valid_from AS VARCHAR),
      '~'
    )
  ) AS account_sk,
  region,
  account_no,
  plan,
  owner,
  changed_at,
  valid_from,
  valid_to,
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM __ver_dim_account_snapshot
WHERE
  NOT __tomb;

-- close versions of keys absent from the batch
UPDATE dwh.dim_account_snapshot SET valid_to = CASE
  WHEN valid_from < CAST(%(batch_ts)s AS TIMESTAMP)
  THEN CAST(%(batch_ts)s AS TIMESTAMP)
  ELSE valid_from + INTERVAL '1 MICROSECOND'
END, is_current = FALSE, _build_seq = CAST(%(build_seq)s AS BIGINT)
WHERE
  is_current = TRUE
  AND NOT EXISTS(
    SELECT
      1
    FROM __keys_dim_account_snapshot AS __k
    WHERE
      __k.region = dim_account_snapshot.region
      AND __k.account_no = dim_account_snapshot.account_no
  );

-- drop a work table
DROP TABLE IF EXISTS __obs_dim_account_snapshot;

-- drop a work table
DROP TABLE IF EXISTS __keys_dim_account_snapshot;

-- drop a work table
DROP TABLE IF EXISTS __tomb_dim_account_snapshot;

-- drop a work table
DROP TABLE IF EXISTS __cand_dim_account_snapshot;

-- drop a work table
DROP TABLE IF EXISTS __chain_dim_account_snapshot;

-- drop a work table
DROP TABLE IF EXISTS __ver_dim_account_snapshot;

COMMIT;
