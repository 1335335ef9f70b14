-- step build:dim_seller
-- after: table:dim_seller, load:sellers, check:dim_zip_prefix
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_seller;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_seller AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.seller_id AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.seller_id AS VARCHAR(65535)),
      '~'
    )
  ) AS seller_sk,
  __q.seller_id,
  __q.zip_code_prefix,
  __q.city,
  __q.state,
  __q.lat,
  __q.lng,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    s.seller_id AS seller_id,
    s.seller_zip_code_prefix AS zip_code_prefix,
    s.seller_city AS city,
    s.seller_state AS state,
    g.lat AS lat,
    g.lng AS lng
  FROM staging.sellers AS s
  LEFT JOIN dwh.dim_zip_prefix AS g
    ON g.zip_code_prefix = s.seller_zip_code_prefix
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'dim_seller' returned several rows for one key (seller_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    seller_id
  FROM __src_dim_seller
  GROUP BY
    seller_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- merge by key
MERGE INTO dwh.dim_seller
USING __src_dim_seller
ON dim_seller.seller_id = __src_dim_seller.seller_id
WHEN MATCHED THEN UPDATE SET
  seller_sk = __src_dim_seller.seller_sk,
  zip_code_prefix = __src_dim_seller.zip_code_prefix,
  city = __src_dim_seller.city,
  state = __src_dim_seller.state,
  lat = __src_dim_seller.lat,
  lng = __src_dim_seller.lng,
  _build_seq = __src_dim_seller._build_seq
WHEN NOT MATCHED THEN INSERT (seller_sk, seller_id, zip_code_prefix, city, state, lat, lng, _build_seq) VALUES (
  __src_dim_seller.seller_sk,
  __src_dim_seller.seller_id,
  __src_dim_seller.zip_code_prefix,
  __src_dim_seller.city,
  __src_dim_seller.state,
  __src_dim_seller.lat,
  __src_dim_seller.lng,
  __src_dim_seller._build_seq
);

-- delete keys its SELECT no longer returns
DELETE FROM dwh.dim_seller
WHERE
  NOT EXISTS(
    SELECT
      1
    FROM __src_dim_seller AS __s
    WHERE
      dim_seller.seller_id = __s.seller_id
  );

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_seller;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_dim_seller;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_dim_seller AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      seller_id AS __v
    FROM staging.sellers
    WHERE
      _load_seq > %(since_sellers)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      seller_id AS __v
    FROM staging.sellers
    WHERE
      seller_zip_code_prefix IN (
        SELECT
          __v
        FROM (
          SELECT
            CAST(key AS VARCHAR(65535)) AS __v
          FROM elt.model_changes
          WHERE
            pipeline = %(pipeline)s
            AND model = 'dim_zip_prefix'
            AND build_seq > %(since_dim_zip_prefix)s
        ) AS __h
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_dim_seller;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_dim_seller;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_dim_seller AS
SELECT
  seller_sk,
  seller_id,
  zip_code_prefix,
  city,
  state,
  lat,
  lng
FROM dwh.dim_seller
WHERE
  seller_id IN (
    SELECT
      __k
    FROM __affected_dim_seller
  );

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_seller;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_seller AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.seller_id AS VARCHAR(65535))) AS VARCHAR(65535)) || ':' || CAST(__q.seller_id AS VARCHAR(65535)),
      '~'
    )
  ) AS seller_sk,
  __q.seller_id,
  __q.zip_code_prefix,
  __q.city,
  __q.state,
  __q.lat,
  __q.lng,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.seller_id,
    __m.zip_code_prefix,
    __m.city,
    __m.state,
    __m.lat,
    __m.lng
  FROM (
    SELECT
      s.seller_id AS seller_id,
      s.seller_zip_code_prefix AS zip_code_prefix,
      s.seller_city AS city,
      s.seller_state AS state,
      g.lat AS lat,
      g.lng AS lng
    FROM staging.sellers AS s
    LEFT JOIN dwh.dim_zip_prefix AS g
      ON g.zip_code_prefix = s.seller_zip_code_prefix
    WHERE
      s.seller_id IN (
        SELECT
          __k
        FROM __affected_dim_seller
      )
  ) AS __m
  WHERE
    __m.seller_id IN (
      SELECT
        __k
      FROM __affected_dim_seller
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'dim_seller' returned several rows for one key (seller_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    seller_id
  FROM __src_dim_seller
  GROUP BY
    seller_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): merge by key
MERGE INTO dwh.dim_seller
USING __src_dim_seller
ON dim_seller.seller_id = __src_dim_seller.seller_id
WHEN MATCHED THEN UPDATE SET
  seller_sk = __src_dim_seller.seller_sk,
  zip_code_prefix = __src_dim_seller.zip_code_prefix,
  city = __src_dim_seller.city,
  state = __src_dim_seller.state,
  lat = __src_dim_seller.lat,
  lng = __src_dim_seller.lng,
  _build_seq = __src_dim_seller._build_seq
WHEN NOT MATCHED THEN INSERT (seller_sk, seller_id, zip_code_prefix, city, state, lat, lng, _build_seq) VALUES (
  __src_dim_seller.seller_sk,
  __src_dim_seller.seller_id,
  __src_dim_seller.zip_code_prefix,
  __src_dim_seller.city,
  __src_dim_seller.state,
  __src_dim_seller.lat,
  __src_dim_seller.lng,
  __src_dim_seller._build_seq
);

-- when its inputs' changes are known (a scoped build): delete keys its SELECT no longer returns
DELETE FROM dwh.dim_seller
WHERE
  seller_id IN (
    SELECT
      __k
    FROM __affected_dim_seller
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM __src_dim_seller AS __s
    WHERE
      dim_seller.seller_id = __s.seller_id
  );

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_dim_seller;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_dim_seller AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      seller_sk,
      seller_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng
    FROM __prior_dim_seller
    EXCEPT
    SELECT
      seller_sk,
      seller_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng
    FROM __src_dim_seller
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      seller_sk,
      seller_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng
    FROM __src_dim_seller
    EXCEPT
    SELECT
      seller_sk,
      seller_id,
      zip_code_prefix,
      city,
      state,
      lat,
      lng
    FROM __prior_dim_seller
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT seller_id) AS keys_changed
FROM __changed_dim_seller;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    seller_id
  FROM __prior_dim_seller
  EXCEPT
  SELECT
    seller_id
  FROM __src_dim_seller
) AS __lost;

-- when its inputs' changes are known (a scoped build): record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  %(pipeline)s,
  'dim_seller',
  %(build_seq)s,
  CAST(seller_id AS VARCHAR(65535))
FROM __changed_dim_seller;

COMMIT;
