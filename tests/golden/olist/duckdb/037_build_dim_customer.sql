-- step build:dim_customer
-- after: table:dim_customer, load:orders, load:customers, check:dim_zip_prefix
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_customer;

-- drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_customer;

-- drop a leftover work table
DROP TABLE IF EXISTS __tomb_dim_customer;

-- drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_customer;

-- drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_customer;

-- drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_customer;

-- stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_customer AS
SELECT
  __q.customer_unique_id,
  __q.zip_code_prefix,
  __q.city,
  __q.state,
  __q.lat,
  __q.lng,
  __q.observed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.zip_code_prefix AS TEXT)) AS TEXT) || ':' || CAST(__q.zip_code_prefix AS TEXT),
      '~'
    ) || '|' || COALESCE(CAST(LENGTH(CAST(__q.city AS TEXT)) AS TEXT) || ':' || CAST(__q.city AS TEXT), '~') || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.state AS TEXT)) AS TEXT) || ':' || CAST(__q.state AS TEXT),
      '~'
    )
  ) AS __attr_hash
FROM (
  WITH observations AS (
    SELECT DISTINCT
      c.customer_unique_id AS customer_unique_id,
      c.customer_zip_code_prefix AS zip_code_prefix,
      c.customer_city AS city,
      c.customer_state AS state,
      o.order_purchase_timestamp AS observed_at
    FROM staging.orders AS o
    JOIN staging.customers AS c
      ON c.customer_id = o.customer_id
  )
  SELECT
    ob.customer_unique_id AS customer_unique_id,
    ob.zip_code_prefix AS zip_code_prefix,
    ob.city AS city,
    ob.state AS state,
    g.lat AS lat,
    g.lng AS lng,
    ob.observed_at AS observed_at
  FROM observations AS ob
  LEFT JOIN dwh.dim_zip_prefix AS g
    ON g.zip_code_prefix = ob.zip_code_prefix
) AS __q;

-- collect the touched keys
CREATE TEMPORARY TABLE __keys_dim_customer AS
SELECT DISTINCT
  customer_unique_id
FROM __obs_dim_customer;

-- gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_customer AS
SELECT
  __o.customer_unique_id,
  __o.zip_code_prefix,
  __o.city,
  __o.state,
  __o.lat,
  __o.lng,
  __o.observed_at,
  __o.__attr_hash,
  CAST(__o.observed_at AS TIMESTAMP) AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_customer AS __o
UNION ALL
SELECT
  __t.customer_unique_id,
  __t.zip_code_prefix,
  __t.city,
  __t.state,
  __t.lat,
  __t.lng,
  __t.observed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.zip_code_prefix AS TEXT)) AS TEXT) || ':' || CAST(__t.zip_code_prefix AS TEXT),
      '~'
    ) || '|' || COALESCE(CAST(LENGTH(CAST(__t.city AS TEXT)) AS TEXT) || ':' || CAST(__t.city AS TEXT), '~') || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.state AS TEXT)) AS TEXT) || ':' || CAST(__t.state AS TEXT),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_customer AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_customer AS __k
    WHERE
      __k.customer_unique_id = __t.customer_unique_id
  );

-- one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_customer AS
SELECT
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  __attr_hash,
  __ts,
  __tomb,
  LAG(__attr_hash) OVER (PARTITION BY customer_unique_id ORDER BY __ts ASC NULLS FIRST) AS __prev_hash
FROM (
  SELECT
    customer_unique_id,
    zip_code_prefix,
    city,
    state,
    lat,
    lng,
    observed_at,
    __attr_hash,
    __ts,
    __tomb,
    ROW_NUMBER() OVER (
      PARTITION BY customer_unique_id, __ts
      ORDER BY __prio DESC, zip_code_prefix DESC, city DESC, state DESC, customer_unique_id DESC, lat DESC, lng DESC, observed_at DESC
    ) AS __rn
  FROM __cand_dim_customer
) AS __d
WHERE
  __rn = 1;

-- keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_customer AS
SELECT
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  __tomb,
  __ts AS valid_from,
  COALESCE(
    LEAD(__ts) OVER (PARTITION BY customer_unique_id ORDER BY __ts ASC NULLS FIRST),
    CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  ) AS valid_to
FROM __chain_dim_customer
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- report: keys observed two ways at one instant
SELECT
  COUNT(*) AS scd2_ties
FROM (
  SELECT
    customer_unique_id,
    CAST(observed_at AS TIMESTAMP) AS __ts
  FROM __obs_dim_customer
  GROUP BY
    customer_unique_id,
    CAST(observed_at AS TIMESTAMP)
  HAVING
    COUNT(DISTINCT __attr_hash) > 1
) AS __tie;

-- report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_customer AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __c
    WHERE
      __c.customer_unique_id = __v.customer_unique_id
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- delete the touched keys' versions
DELETE FROM dwh.dim_customer
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_customer AS __k
    WHERE
      __k.customer_unique_id = dim_customer.customer_unique_id
  );

-- insert the rebuilt chains
INSERT INTO dwh.dim_customer (
  customer_sk,
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  valid_from,
  valid_to,
  is_current,
  _build_seq
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(customer_unique_id AS TEXT)) AS TEXT) || ':' || CAST(customer_unique_id AS TEXT),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS TEXT)) AS TEXT) || ':' || CAST(valid_from AS TEXT),
      '~'
    )
  ) AS customer_sk,
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  valid_from,
  valid_to,
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM __ver_dim_customer
WHERE
  NOT __tomb;

-- drop a work table
DROP TABLE IF EXISTS __obs_dim_customer;

-- drop a work table
DROP TABLE IF EXISTS __keys_dim_customer;

-- drop a work table
DROP TABLE IF EXISTS __tomb_dim_customer;

-- drop a work table
DROP TABLE IF EXISTS __cand_dim_customer;

-- drop a work table
DROP TABLE IF EXISTS __chain_dim_customer;

-- drop a work table
DROP TABLE IF EXISTS __ver_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_dim_customer_1;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_dim_customer_1 AS
SELECT
  __v
FROM (
  SELECT
    customer_id AS __v
  FROM staging.orders
  WHERE
    _load_seq > $since_orders
  UNION
  SELECT
    CAST(value AS TEXT) AS __v
  FROM elt.changed_values
  WHERE
    pipeline = $pipeline
    AND relation = 'orders'
    AND column_name = 'customer_id'
    AND seq > $since_orders
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_dim_customer_2;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_dim_customer_2 AS
SELECT
  __v
FROM (
  SELECT
    CAST(key AS TEXT) AS __v
  FROM elt.model_changes
  WHERE
    pipeline = $pipeline
    AND model = 'dim_zip_prefix'
    AND build_seq > $since_dim_zip_prefix
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_dim_customer;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_dim_customer AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      customer_unique_id AS __v
    FROM staging.customers
    WHERE
      customer_id IN (
        SELECT
          __v
        FROM __hop_dim_customer_1
      )
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      customer_unique_id AS __v
    FROM staging.customers
    WHERE
      _load_seq > $since_customers
    UNION
    SELECT
      CAST(value AS TEXT) AS __v
    FROM elt.changed_values
    WHERE
      pipeline = $pipeline
      AND relation = 'customers'
      AND column_name = 'customer_unique_id'
      AND seq > $since_customers
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      customer_unique_id AS __v
    FROM staging.customers
    WHERE
      customer_zip_code_prefix IN (
        SELECT
          __v
        FROM __hop_dim_customer_2
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_dim_customer_1;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_dim_customer_2;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_dim_customer;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_dim_customer AS
SELECT
  customer_sk,
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  valid_from,
  valid_to,
  is_current
FROM dwh.dim_customer
WHERE
  customer_unique_id IN (
    SELECT
      __k
    FROM __affected_dim_customer
  );

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __obs_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __keys_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __tomb_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __cand_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __chain_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover work table
DROP TABLE IF EXISTS __ver_dim_customer;

-- when its inputs' changes are known (a scoped build): stage the observations with their attribute hash
CREATE TEMPORARY TABLE __obs_dim_customer AS
SELECT
  __q.customer_unique_id,
  __q.zip_code_prefix,
  __q.city,
  __q.state,
  __q.lat,
  __q.lng,
  __q.observed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.zip_code_prefix AS TEXT)) AS TEXT) || ':' || CAST(__q.zip_code_prefix AS TEXT),
      '~'
    ) || '|' || COALESCE(CAST(LENGTH(CAST(__q.city AS TEXT)) AS TEXT) || ':' || CAST(__q.city AS TEXT), '~') || '|' || COALESCE(
      CAST(LENGTH(CAST(__q.state AS TEXT)) AS TEXT) || ':' || CAST(__q.state AS TEXT),
      '~'
    )
  ) AS __attr_hash
FROM (
  SELECT
    __m.customer_unique_id,
    __m.zip_code_prefix,
    __m.city,
    __m.state,
    __m.lat,
    __m.lng,
    __m.observed_at
  FROM (
    WITH observations AS (
      SELECT DISTINCT
        c.customer_unique_id AS customer_unique_id,
        c.customer_zip_code_prefix AS zip_code_prefix,
        c.customer_city AS city,
        c.customer_state AS state,
        o.order_purchase_timestamp AS observed_at
      FROM staging.orders AS o
      JOIN staging.customers AS c
        ON c.customer_id = o.customer_id
      WHERE
        c.customer_unique_id IN (
          SELECT
            __k
          FROM __affected_dim_customer
        )
    )
    SELECT
      ob.customer_unique_id AS customer_unique_id,
      ob.zip_code_prefix AS zip_code_prefix,
      ob.city AS city,
      ob.state AS state,
      g.lat AS lat,
      g.lng AS lng,
      ob.observed_at AS observed_at
    FROM observations AS ob
    LEFT JOIN dwh.dim_zip_prefix AS g
      ON g.zip_code_prefix = ob.zip_code_prefix
    WHERE
      ob.customer_unique_id IN (
        SELECT
          __k
        FROM __affected_dim_customer
      )
  ) AS __m
  WHERE
    __m.customer_unique_id IN (
      SELECT
        __k
      FROM __affected_dim_customer
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): collect the touched keys
CREATE TEMPORARY TABLE __keys_dim_customer AS
SELECT DISTINCT
  customer_unique_id
FROM __obs_dim_customer;

-- when its inputs' changes are known (a scoped build): gather batch observations, existing versions and tombstones
CREATE TEMPORARY TABLE __cand_dim_customer AS
SELECT
  __o.customer_unique_id,
  __o.zip_code_prefix,
  __o.city,
  __o.state,
  __o.lat,
  __o.lng,
  __o.observed_at,
  __o.__attr_hash,
  CAST(__o.observed_at AS TIMESTAMP) AS __ts,
  1 AS __prio,
  FALSE AS __tomb
FROM __obs_dim_customer AS __o
UNION ALL
SELECT
  __t.customer_unique_id,
  __t.zip_code_prefix,
  __t.city,
  __t.state,
  __t.lat,
  __t.lng,
  __t.observed_at,
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__t.zip_code_prefix AS TEXT)) AS TEXT) || ':' || CAST(__t.zip_code_prefix AS TEXT),
      '~'
    ) || '|' || COALESCE(CAST(LENGTH(CAST(__t.city AS TEXT)) AS TEXT) || ':' || CAST(__t.city AS TEXT), '~') || '|' || COALESCE(
      CAST(LENGTH(CAST(__t.state AS TEXT)) AS TEXT) || ':' || CAST(__t.state AS TEXT),
      '~'
    )
  ) AS __attr_hash,
  __t.valid_from AS __ts,
  0 AS __prio,
  FALSE AS __tomb
FROM dwh.dim_customer AS __t
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_customer AS __k
    WHERE
      __k.customer_unique_id = __t.customer_unique_id
  );

-- when its inputs' changes are known (a scoped build): one candidate per key and time; compare with the previous
CREATE TEMPORARY TABLE __chain_dim_customer AS
SELECT
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  __attr_hash,
  __ts,
  __tomb,
  LAG(__attr_hash) OVER (PARTITION BY customer_unique_id ORDER BY __ts ASC NULLS FIRST) AS __prev_hash
FROM (
  SELECT
    customer_unique_id,
    zip_code_prefix,
    city,
    state,
    lat,
    lng,
    observed_at,
    __attr_hash,
    __ts,
    __tomb,
    ROW_NUMBER() OVER (
      PARTITION BY customer_unique_id, __ts
      ORDER BY __prio DESC, zip_code_prefix DESC, city DESC, state DESC, customer_unique_id DESC, lat DESC, lng DESC, observed_at DESC
    ) AS __rn
  FROM __cand_dim_customer
) AS __d
WHERE
  __rn = 1;

-- when its inputs' changes are known (a scoped build): keep the changes and compute the windows
CREATE TEMPORARY TABLE __ver_dim_customer AS
SELECT
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  __tomb,
  __ts AS valid_from,
  COALESCE(
    LEAD(__ts) OVER (PARTITION BY customer_unique_id ORDER BY __ts ASC NULLS FIRST),
    CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  ) AS valid_to
FROM __chain_dim_customer
WHERE
  __prev_hash IS NULL OR __prev_hash <> __attr_hash;

-- when its inputs' changes are known (a scoped build): report: keys observed two ways at one instant
SELECT
  COUNT(*) AS scd2_ties
FROM (
  SELECT
    customer_unique_id,
    CAST(observed_at AS TIMESTAMP) AS __ts
  FROM __obs_dim_customer
  GROUP BY
    customer_unique_id,
    CAST(observed_at AS TIMESTAMP)
  HAVING
    COUNT(DISTINCT __attr_hash) > 1
) AS __tie;

-- when its inputs' changes are known (a scoped build): report: versions this batch closes
SELECT
  COUNT(*) AS rows_expired
FROM __ver_dim_customer AS __v
WHERE
  NOT __v.__tomb
  AND __v.valid_to <> CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  AND EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __c
    WHERE
      __c.customer_unique_id = __v.customer_unique_id
      AND __c.valid_from = __v.valid_from
      AND __c.is_current = TRUE
  );

-- when its inputs' changes are known (a scoped build): delete the touched keys' versions
DELETE FROM dwh.dim_customer
WHERE
  EXISTS(
    SELECT
      1
    FROM __keys_dim_customer AS __k
    WHERE
      __k.customer_unique_id = dim_customer.customer_unique_id
  );

-- when its inputs' changes are known (a scoped build): insert the rebuilt chains
INSERT INTO dwh.dim_customer (
  customer_sk,
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  valid_from,
  valid_to,
  is_current,
  _build_seq
)
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(customer_unique_id AS TEXT)) AS TEXT) || ':' || CAST(customer_unique_id AS TEXT),
      '~'
    ) || '|' || COALESCE(
      CAST(LENGTH(CAST(valid_from AS TEXT)) AS TEXT) || ':' || CAST(valid_from AS TEXT),
      '~'
    )
  ) AS customer_sk,
  customer_unique_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng,
  observed_at,
  valid_from,
  valid_to,
  valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP) AS is_current,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM __ver_dim_customer
WHERE
  NOT __tomb;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __obs_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __keys_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __tomb_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __cand_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __chain_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a work table
DROP TABLE IF EXISTS __ver_dim_customer;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows to audit
DROP TABLE IF EXISTS __audit_dim_customer;

-- when its inputs' changes are known (a scoped build): the rewritten keys' rows, for the checks
CREATE TEMPORARY TABLE __audit_dim_customer AS
SELECT
  *
FROM dwh.dim_customer
WHERE
  customer_unique_id IN (
    SELECT
      __k
    FROM __affected_dim_customer
  );

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_dim_customer;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_dim_customer AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      customer_sk,
      customer_unique_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng,
      observed_at,
      valid_from,
      valid_to,
      is_current
    FROM __prior_dim_customer
    EXCEPT
    SELECT
      customer_sk,
      customer_unique_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng,
      observed_at,
      valid_from,
      valid_to,
      is_current
    FROM __audit_dim_customer
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      customer_sk,
      customer_unique_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng,
      observed_at,
      valid_from,
      valid_to,
      is_current
    FROM __audit_dim_customer
    EXCEPT
    SELECT
      customer_sk,
      customer_unique_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng,
      observed_at,
      valid_from,
      valid_to,
      is_current
    FROM __prior_dim_customer
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT customer_unique_id) AS keys_changed
FROM __changed_dim_customer;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    customer_unique_id
  FROM __prior_dim_customer
  EXCEPT
  SELECT
    customer_unique_id
  FROM __audit_dim_customer
) AS __lost;

-- when its inputs' changes are known (a scoped build): record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  $pipeline,
  'dim_customer',
  $build_seq,
  CAST(customer_unique_id AS TEXT)
FROM __changed_dim_customer;

COMMIT;
