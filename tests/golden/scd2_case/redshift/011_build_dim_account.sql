-- step build:dim_account
-- after: table:dim_account, load:account_events
BEGIN;

-- drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_account;

-- drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_account;

-- drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_account;

-- drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_account;

-- drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_account;

-- stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_account AS
SELECT
  __q.region,
  __q.account_no,
  __q.plan,
  __q.owner,
  __q.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.plan AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.plan AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.owner AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.owner AS VARCHAR(65535)),
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
CREATE TEMPORARY TABLE __keys_dim_account AS
SELECT DISTINCT
  region,
  account_no
FROM __obs_dim_account;

-- gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_account AS
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  __attr_hash,
  CAST(changed_at AS TIMESTAMP) AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_account
UNION ALL
SELECT
  __t.region,
  __t.account_no,
  __t.plan,
  __t.owner,
  __t.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.plan AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__t.plan AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.owner AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__t.owner AS VARCHAR(65535)),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_account AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account AS __k
    WHERE
      __k.region = __t.region AND __k.account_no = __t.account_no
  );

-- one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_account AS
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
      ORDER BY __prio DESC NULLS LAST, __attr_hash DESC NULLS LAST
    ) AS __rn
  FROM __cand_dim_account
) AS __d
WHERE
  __rn = 1;

-- keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_account AS
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
FROM __chain_dim_account
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_account AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_account AS __c
    WHERE
      __c.region = __v.region
      AND __c.account_no = __v.account_no
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- delete the touched keys' versions
DELETE FROM dwh.dim_account
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account AS __k
    WHERE
      __k.region = dim_account.region AND __k.account_no = dim_account.account_no
  );

-- insert the rebuilt chains
INSERT INTO dwh.dim_account (
  account_sk,
  region,
  account_no,
  plan,
  owner,
  changed_at,
  valid_from,
  valid_to,
  is_current
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(region AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(region AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(account_no AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(account_no AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(valid_from AS VARCHAR(65535)),
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
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current
FROM __ver_dim_account
WHERE
  NOT __tomb;

-- drop a work table
DROP TABLE IF EXISTS __obs_dim_account;

-- drop a work table
DROP TABLE IF EXISTS __keys_dim_account;

-- drop a work table
DROP TABLE IF EXISTS __cand_dim_account;

-- drop a work table
DROP TABLE IF EXISTS __chain_dim_account;

-- drop a work table
DROP TABLE IF EXISTS __ver_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_dim_account;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_dim_account AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      region AS __v
    FROM staging.account_events
    WHERE
      _batch_date IN (
        SELECT
          batch_date
        FROM elt.file_ledger
        WHERE
          pipeline = %(pipeline)s
          AND source = 'account_events'
          AND load_seq > %(since_account_events)s
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_account;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_account;

-- when its inputs' changes are known (a scoped build): stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_account AS
SELECT
  __q.region,
  __q.account_no,
  __q.plan,
  __q.owner,
  __q.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.plan AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.plan AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.owner AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.owner AS VARCHAR(65535)),
      '~'
    )
  ) AS __attr_hash
FROM (
  SELECT
    __m.region,
    __m.account_no,
    __m.plan,
    __m.owner,
    __m.changed_at
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
  ) AS __m
  WHERE
    __m.region IN (
      SELECT
        __k
      FROM __affected_dim_account
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): collect the touched keys
CREATE TEMPORARY TABLE __keys_dim_account AS
SELECT DISTINCT
  region,
  account_no
FROM __obs_dim_account;

-- when its inputs' changes are known (a scoped build): gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_account AS
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  __attr_hash,
  CAST(changed_at AS TIMESTAMP) AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_account
UNION ALL
SELECT
  __t.region,
  __t.account_no,
  __t.plan,
  __t.owner,
  __t.changed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.plan AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__t.plan AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.owner AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__t.owner AS VARCHAR(65535)),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_account AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account AS __k
    WHERE
      __k.region = __t.region AND __k.account_no = __t.account_no
  );

-- when its inputs' changes are known (a scoped build): one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_account AS
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
      ORDER BY __prio DESC NULLS LAST, __attr_hash DESC NULLS LAST
    ) AS __rn
  FROM __cand_dim_account
) AS __d
WHERE
  __rn = 1;

-- when its inputs' changes are known (a scoped build): keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_account AS
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
FROM __chain_dim_account
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- when its inputs' changes are known (a scoped build): report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_account AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_account AS __c
    WHERE
      __c.region = __v.region
      AND __c.account_no = __v.account_no
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- when its inputs' changes are known (a scoped build): delete the touched keys' versions
DELETE FROM dwh.dim_account
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_account AS __k
    WHERE
      __k.region = dim_account.region AND __k.account_no = dim_account.account_no
  );

-- when its inputs' changes are known (a scoped build): insert the rebuilt chains
INSERT INTO dwh.dim_account (
  account_sk,
  region,
  account_no,
  plan,
  owner,
  changed_at,
  valid_from,
  valid_to,
  is_current
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(region AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(region AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(account_no AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(account_no AS VARCHAR(65535)),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(valid_from AS VARCHAR(65535)),
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
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current
FROM __ver_dim_account
WHERE
  NOT __tomb;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __obs_dim_account;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __keys_dim_account;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __cand_dim_account;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __chain_dim_account;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __ver_dim_account;

-- when its inputs' changes are known (a scoped build): record the keys this build rewrote
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT
  %(pipeline)s,
  'dim_account',
  %(build_seq)s,
  CAST(__k AS VARCHAR(65535))
FROM __affected_dim_account;

-- when its inputs' changes are known (a scoped build): drop the affected-keys table
DROP TABLE IF EXISTS __affected_dim_account;

COMMIT;
