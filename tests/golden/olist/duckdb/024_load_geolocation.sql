-- step load:geolocation
-- after: table:geolocation
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_geolocation (
  geolocation_zip_code_prefix TEXT,
  geolocation_lat DOUBLE,
  geolocation_lng DOUBLE,
  geolocation_city TEXT,
  geolocation_state TEXT,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_geolocation BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'geolocation_zip_code_prefix',
      'geolocation_lat',
      'geolocation_lng',
      'geolocation_city',
      'geolocation_state',
      '_batch_date',
      '_source_file',
      '_source_line'
    )
  )
FROM READ_PARQUET($batch_files, union_by_name = TRUE);

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
  CAST($load_seq AS BIGINT) AS _load_seq
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
    $pipeline,
    $source,
    $path,
    $size_bytes,
    $checksum,
    $row_count,
    $batch_date,
    $run_id,
    $loaded_at,
    $load_seq
  );

-- drop the load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_geolocation;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_geolocation (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_geolocation BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN ('source', 'path', 'line', 'column_name', 'raw', 'reason', 'batch_date')
  )
FROM READ_PARQUET($reject_files, union_by_name = TRUE);

-- when the batch has rejected rows: record the rows ingest rejected
INSERT INTO elt.rejects (
  pipeline,
  source,
  path,
  line,
  raw,
  reason,
  batch_date,
  run_id,
  column_name,
  kind
)
SELECT
  $pipeline,
  source,
  path,
  line,
  raw,
  reason,
  batch_date,
  $run_id,
  column_name,
  'parse'
FROM __rejects_geolocation;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_geolocation;

COMMIT;
