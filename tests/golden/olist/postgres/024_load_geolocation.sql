-- step load:geolocation
-- after: table:geolocation
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_geolocation (
  geolocation_zip_code_prefix VARCHAR(10) COLLATE "C",
  geolocation_lat DOUBLE PRECISION,
  geolocation_lng DOUBLE PRECISION,
  geolocation_city VARCHAR(64) COLLATE "C",
  geolocation_state VARCHAR(2) COLLATE "C",
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_geolocation (
  geolocation_zip_code_prefix,
  geolocation_lat,
  geolocation_lng,
  geolocation_city,
  geolocation_state,
  _batch_date,
  _source_file,
  _source_line
)
FROM STDIN;

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
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_geolocation (
  source,
  path,
  line,
  column_name,
  raw,
  reason,
  batch_date
)
FROM STDIN;

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
  %(pipeline)s,
  source,
  path,
  line,
  raw,
  reason,
  batch_date,
  %(run_id)s,
  column_name,
  'parse'
FROM __rejects_geolocation;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_geolocation;

COMMIT;
