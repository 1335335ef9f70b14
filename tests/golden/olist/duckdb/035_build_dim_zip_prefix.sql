-- step build:dim_zip_prefix
-- after: table:dim_zip_prefix, load:geolocation
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_dim_zip_prefix;

-- the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_dim_zip_prefix AS
SELECT
  zip_code_prefix,
  lat,
  lng,
  points
FROM dwh.dim_zip_prefix;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_zip_prefix;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_zip_prefix AS
SELECT
  __q.zip_code_prefix,
  __q.lat,
  __q.lng,
  __q.points,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  WITH geo_points AS (
    SELECT DISTINCT
      geolocation.geolocation_zip_code_prefix AS geolocation_zip_code_prefix,
      geolocation.geolocation_lat AS geolocation_lat,
      geolocation.geolocation_lng AS geolocation_lng
    FROM staging.geolocation AS geolocation
    WHERE
      geolocation.geolocation_lat BETWEEN -34.0 AND 5.5
      AND geolocation.geolocation_lng BETWEEN -74.0 AND -34.5
  )
  SELECT
    geo_points.geolocation_zip_code_prefix AS zip_code_prefix,
    ROUND(AVG(geo_points.geolocation_lat), 6) AS lat,
    ROUND(AVG(geo_points.geolocation_lng), 6) AS lng,
    CAST(COUNT(*) AS INT) AS points
  FROM geo_points AS geo_points
  GROUP BY
    geo_points.geolocation_zip_code_prefix
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'dim_zip_prefix' returned several rows for one key (zip_code_prefix)
SELECT
  COUNT(*)
FROM (
  SELECT
    zip_code_prefix
  FROM __src_dim_zip_prefix
  GROUP BY
    zip_code_prefix
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM dwh.dim_zip_prefix;

-- fill the table
INSERT INTO dwh.dim_zip_prefix (
  zip_code_prefix,
  lat,
  lng,
  points,
  _build_seq
)
SELECT
  zip_code_prefix,
  lat,
  lng,
  points,
  _build_seq
FROM __src_dim_zip_prefix;

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_zip_prefix;

-- drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_dim_zip_prefix;

-- the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_dim_zip_prefix AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      zip_code_prefix,
      lat,
      lng,
      points
    FROM __prior_dim_zip_prefix
    EXCEPT
    SELECT
      zip_code_prefix,
      lat,
      lng,
      points
    FROM dwh.dim_zip_prefix
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      zip_code_prefix,
      lat,
      lng,
      points
    FROM dwh.dim_zip_prefix
    EXCEPT
    SELECT
      zip_code_prefix,
      lat,
      lng,
      points
    FROM __prior_dim_zip_prefix
  ) AS __new
) AS __d;

-- report: keys whose rows changed
SELECT
  COUNT(DISTINCT zip_code_prefix) AS keys_changed
FROM __changed_dim_zip_prefix;

-- report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    zip_code_prefix
  FROM __prior_dim_zip_prefix
  EXCEPT
  SELECT
    zip_code_prefix
  FROM dwh.dim_zip_prefix
) AS __lost;

-- record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  $pipeline,
  'dim_zip_prefix',
  $build_seq,
  CAST(zip_code_prefix AS TEXT)
FROM __changed_dim_zip_prefix;

COMMIT;
