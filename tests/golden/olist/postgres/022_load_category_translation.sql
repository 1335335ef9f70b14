-- step load:category_translation
-- after: table:category_translation
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_category_translation;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_category_translation;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_category_translation (
  product_category_name VARCHAR(64) COLLATE "C",
  product_category_name_english VARCHAR(64) COLLATE "C",
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_category_translation (
  product_category_name,
  product_category_name_english,
  _batch_date,
  _source_file,
  _source_line
)
FROM STDIN;

-- report: primary keys delivered with differing rows (named, up to three)
SELECT
  COUNT(*) AS conflicting_keys,
  MAX(CASE WHEN __n = 1 THEN __k END) AS conflict_1,
  MAX(CASE WHEN __n = 2 THEN __k END) AS conflict_2,
  MAX(CASE WHEN __n = 3 THEN __k END) AS conflict_3
FROM (
  SELECT
    __k,
    ROW_NUMBER() OVER (ORDER BY __k ASC NULLS FIRST) AS __n
  FROM (
    SELECT
      COALESCE(CAST(product_category_name AS VARCHAR), '') AS __k
    FROM (
      SELECT DISTINCT
        product_category_name,
        product_category_name_english,
        _batch_date
      FROM __load_category_translation
    ) AS __d
    GROUP BY
      product_category_name,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_category_translation AS
SELECT
  product_category_name,
  product_category_name_english,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM (
  SELECT
    product_category_name,
    product_category_name_english,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY product_category_name
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST
    ) AS __rn
  FROM (
    SELECT
      product_category_name,
      product_category_name_english,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_category_translation
  ) AS __b
) AS __l
WHERE
  __rn = 1;

-- replace: remove the previous rows
DELETE FROM staging.category_translation;

-- insert the batch
INSERT INTO staging.category_translation (
  product_category_name,
  product_category_name_english,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  product_category_name,
  product_category_name_english,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_category_translation;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_category_translation
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_category_translation
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
DROP TABLE IF EXISTS __load_category_translation;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_category_translation;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_category_translation;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_category_translation (
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_category_translation (
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
FROM __rejects_category_translation;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_category_translation;

COMMIT;
