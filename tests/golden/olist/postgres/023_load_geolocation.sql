-- step load:geolocation
-- after: table:geolocation
-- run-time parameters: batch_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_geolocation (
  geolocation_zip_code_prefix VARCHAR NOT NULL,
  geolocation_lat DOUBLE PRECISION NOT NULL,
  geolocation_lng DOUBLE PRECISION NOT NULL,
  geolocation_city VARCHAR NOT NULL,
  geolocation_state VARCHAR NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR NOT NULL,
  _source_line BIGINT NOT NULL
);

-- stream the batch's files into it
COPY __load_geolocation
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
  _source_line
)
SELECT
  geolocation_zip_code_prefix,
  geolocation_lat,
  geolocation_lng,
  geolocation_city,
  geolocation_state,
  _batch_date,
  _source_file,
  _source_line
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
  loaded_at
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
    %(loaded_at)s
  );

-- drop the load table
DROP TABLE IF EXISTS __load_geolocation;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_geolocation;

COMMIT;
