-- step build:dim_member
-- after: table:dim_member, load:members
-- run-time parameters: batch_ts, build_seq
BEGIN;

-- drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_member;

-- drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_member;

-- drop a leftover work table
DROP TABLE IF EXISTS __tomb_dim_member;

-- drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_member;

-- drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_member;

-- drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_member;

-- stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_member AS
SELECT
  __q.member_id,
  __q.tier,
  __q.city,
  __q.updated_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.tier AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.tier AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.city AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.city AS VARCHAR),
      '~'
    )
  ) AS __attr_hash
FROM (
  SELECT
    members.member_id AS member_id,
    LOWER(members.tier) AS tier,
    members.city AS city,
    members.updated_at AS updated_at
  FROM staging.members AS members
) AS __q;

-- collect the touched keys
CREATE TEMPORARY TABLE __keys_dim_member AS
SELECT DISTINCT
  member_id
FROM __obs_dim_member;

-- the touched keys' deletions (tombstones)
CREATE TEMPORARY TABLE __tomb_dim_member AS
SELECT
  __t.member_id,
  __t.tier,
  __t.city,
  __t.updated_at,
  'deleted' AS __attr_hash,
  __t.valid_to AS __ts,
  0 AS __prio,
  TRUE AS __tomb
FROM dwh.dim_member AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_member AS __k
    WHERE
      __k.member_id = __t.member_id
  )
  AND __t.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_member AS __n
    WHERE
      __n.member_id = __t.member_id AND __n.valid_from = __t.valid_to
  );

-- gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_member AS
SELECT
  __o.member_id,
  __o.tier,
  __o.city,
  __o.updated_at,
  __o.__attr_hash,
  CASE
    WHEN CAST(__o.updated_at AS TIMESTAMP) < __p.__placed
    AND CAST(__o.updated_at AS TIMESTAMP) >= __p.__placed_start
    AND (
      __d.__deleted IS NULL OR __p.__placed > __d.__deleted
    )
    THEN __p.__placed
    WHEN CAST(__o.updated_at AS TIMESTAMP) <= __d.__deleted
    THEN CAST(%(batch_ts)s AS TIMESTAMP)
    ELSE CAST(__o.updated_at AS TIMESTAMP)
  END AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_member AS __o
LEFT JOIN (
  SELECT
    member_id,
    MAX(__ts) AS __deleted
  FROM __tomb_dim_member
  WHERE
    __ts < CAST(%(batch_ts)s AS TIMESTAMP)
  GROUP BY
    member_id
) AS __d
  ON __d.member_id = __o.member_id
LEFT JOIN (
  SELECT
    member_id,
    __placed,
    __placed_start
  FROM (
    SELECT
      __t.member_id,
      __t.valid_from AS __placed,
      CAST(__t.updated_at AS TIMESTAMP) AS __placed_start,
      ROW_NUMBER() OVER (PARTITION BY __t.member_id ORDER BY __t.valid_from DESC NULLS LAST) AS __rn
    FROM dwh.dim_member AS __t
    WHERE
      EXISTS(
        SELECT
          1
        FROM __keys_dim_member AS __k
        WHERE
          __k.member_id = __t.member_id
      )
      AND __t.valid_from > CAST(__t.updated_at AS TIMESTAMP)
      AND __t.valid_from <= CAST(%(batch_ts)s AS TIMESTAMP)
  ) AS __r
  WHERE
    __rn = 1
) AS __p
  ON __p.member_id = __o.member_id
UNION ALL
SELECT
  __t.member_id,
  __t.tier,
  __t.city,
  __t.updated_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.tier AS VARCHAR)) AS VARCHAR) || ':' || CAST(__t.tier AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.city AS VARCHAR)) AS VARCHAR) || ':' || CAST(__t.city AS VARCHAR),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_member AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_member AS __k
    WHERE
      __k.member_id = __t.member_id
  )
UNION ALL
SELECT
  *
FROM __tomb_dim_member
WHERE
  __ts <> CAST(%(batch_ts)s AS TIMESTAMP);

-- one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_member AS
SELECT
  member_id,
  tier,
  city,
  updated_at,
  __attr_hash,
  __ts,
  __tomb,
  LAG(__attr_hash) OVER (PARTITION BY member_id ORDER BY __ts ASC NULLS FIRST) AS __prev_hash
FROM (
  SELECT
    member_id,
    tier,
    city,
    updated_at,
    __attr_hash,
    __ts,
    __tomb,
    ROW_NUMBER() OVER (
      PARTITION BY member_id, __ts
      ORDER BY __prio DESC NULLS LAST, tier COLLATE "C" DESC NULLS LAST, city COLLATE "C" DESC NULLS LAST, member_id DESC NULLS LAST, updated_at DESC NULLS LAST
    ) AS __rn
  FROM __cand_dim_member
) AS __d
WHERE
  __rn = 1;

-- keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_member AS
SELECT
  member_id,
  tier,
  city,
  updated_at,
  __tomb,
  __ts AS valid_from,
  COALESCE(
    LEAD(__ts) OVER (PARTITION BY member_id ORDER BY __ts ASC NULLS FIRST),
    CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  ) AS valid_to
FROM __chain_dim_member
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- report: keys observed two ways at one instant
SELECT
  COUNT(*) AS scd2_ties
FROM (
  SELECT
    member_id,
    CAST(updated_at AS TIMESTAMP) AS __ts
  FROM __obs_dim_member
  GROUP BY
    member_id,
    CAST(updated_at AS TIMESTAMP)
  HAVING
    COUNT(DISTINCT __attr_hash) > 1
) AS __tie;

-- report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_member AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_member AS __c
    WHERE
      __c.member_id = __v.member_id
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- delete the touched keys' versions
DELETE FROM dwh.dim_member
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_member AS __k
    WHERE
      __k.member_id = dim_member.member_id
  );

-- insert the rebuilt chains
INSERT INTO dwh.dim_member (
  member_sk,
  member_id,
  tier,
  city,
  updated_at,
  valid_from,
  valid_to,
  is_current,
  _build_seq
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(member_id AS VARCHAR)) AS VARCHAR) || ':' || CAST(member_id AS VARCHAR),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS VARCHAR)) AS VARCHAR) || ':' || CAST(valid_from AS VARCHAR),
      '~'
    )
  ) AS member_sk,
  member_id,
  tier,
  city,
  updated_at,
  valid_from,
  valid_to,
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM __ver_dim_member
WHERE
  NOT __tomb;

-- close versions of keys absent from the batch
UPDATE dwh.dim_member SET valid_to = CASE
  WHEN valid_from < CAST(%(batch_ts)s AS TIMESTAMP)
  THEN CAST(%(batch_ts)s AS TIMESTAMP)
  ELSE valid_from + INTERVAL '1 MICROSECOND'
END, is_current = FALSE, _build_seq = CAST(%(build_seq)s AS BIGINT)
WHERE
  is_current = TRUE
  AND NOT EXISTS(
    SELECT
      1
    FROM __keys_dim_member AS __k
    WHERE
      __k.member_id = dim_member.member_id
  );

-- drop a work table
DROP TABLE IF EXISTS __obs_dim_member;

-- drop a work table
DROP TABLE IF EXISTS __keys_dim_member;

-- drop a work table
DROP TABLE IF EXISTS __tomb_dim_member;

-- drop a work table
DROP TABLE IF EXISTS __cand_dim_member;

-- drop a work table
DROP TABLE IF EXISTS __chain_dim_member;

-- drop a work table
DROP TABLE IF EXISTS __ver_dim_member;

COMMIT;
