-- step load:geolocation
-- after: table:geolocation
-- run-time parameters: manifest_url, rejects_manifest_url, iam_role, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_geolocation (
  geolocation_zip_code_prefix VARCHAR(40),
  geolocation_lat DOUBLE PRECISION,
  geolocation_lng DOUBLE PRECISION,
  geolocation_city VARCHAR(256),
  geolocation_state VARCHAR(8),
  _batch_date DATE,
  _source_file VARCHAR(65535),
  _source_line BIGINT
);

-- read the batch's files with COPY (listed in a manifest), by position
COPY __load_geolocation
FROM %(manifest_url)s
IAM_ROLE %(iam_role)s
FORMAT PARQUET
MANIFEST;

-- replace: remove the previous rows
DELETE FROM staging.geolocation;

-- insert the batch
INSERT INTO staging.geolocation (
  geolocation_zip_code_prefix,
  geolocation_lat,
  geolocation_lng,
  geolocation_city,
  geolocation_state,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  geolocation_zip_code_prefix,
  geolocation_lat,
  geolocation_lng,
  geolocation_city,
  geolocation_state,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM __load_geolocation;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_geolocation
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __load_geolocation
  ) AS rows_kept;

-- record the file in the ledger (once per file)
INSERT INTO elt.file_ledger (
  pipeline,
  source,
  path,
  size_bytes,
  checksum,
  row_count,
  batch_date,
  run_id,
  loaded_at,
  load_seq
)
VALUES
  (
    %(pipeline)s,
    %(source)s,
    %(path)s,
    %(size_bytes)s,
    %(checksum)s,
    %(row_count)s,
    %(batch_date)s,
    %(run_id)s,
    %(loaded_at)s,
    %(load_seq)s
  );

-- drop the load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_geolocation;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_geolocation (
  source VARCHAR(65535),
  path VARCHAR(65535),
  line BIGINT,
  column_name VARCHAR(65535),
  "raw" VARCHAR(65535),
  reason VARCHAR(65535),
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects files with COPY (listed in a manifest), by position
COPY __rejects_geolocation
FROM %(rejects_manifest_url)s
IAM_ROLE %(iam_role)s
FORMAT PARQUET
MANIFEST;

-- when the batch has rejected rows: record the rows ingest rejected
INSERT INTO elt.rejects (
  pipeline,
  source,
  path,
  line,
  "raw",
  reason,
  batch_date,
  run_id,
  column_name,
  kind
)
SELECT
  %(pipeline)s,
  source,
  path,
  line,
  "raw",
  reason,
  batch_date,
  %(run_id)s,
  column_name,
  'parse'
FROM __rejects_geolocation;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_geolocation;

COMMIT;
