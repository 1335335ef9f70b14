-- step load:products
-- after: table:products
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_products;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_products;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_products (
  product_id TEXT,
  product_category_name TEXT,
  product_name_lenght INT,
  product_description_lenght INT,
  product_photos_qty INT,
  product_weight_g INT,
  product_length_cm INT,
  product_height_cm INT,
  product_width_cm INT,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_products BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'product_id',
      'product_category_name',
      'product_name_lenght',
      'product_description_lenght',
      'product_photos_qty',
      'product_weight_g',
      'product_length_cm',
      'product_height_cm',
      'product_width_cm',
      '_batch_date',
      '_source_file',
      '_source_line'
    )
  )
FROM READ_PARQUET($batch_files, union_by_name = TRUE);

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
      COALESCE(CAST(product_id AS TEXT), '') AS __k
    FROM (
      SELECT DISTINCT
        product_id,
        product_category_name,
        product_name_lenght,
        product_description_lenght,
        product_photos_qty,
        product_weight_g,
        product_length_cm,
        product_height_cm,
        product_width_cm,
        _batch_date
      FROM __load_products
    ) AS __d
    GROUP BY
      product_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_products AS
SELECT
  product_id,
  product_category_name,
  product_name_lenght,
  product_description_lenght,
  product_photos_qty,
  product_weight_g,
  product_length_cm,
  product_height_cm,
  product_width_cm,
  _batch_date,
  _source_file,
  _source_line,
  CAST($load_seq AS BIGINT) AS _load_seq
FROM (
  SELECT
    product_id,
    product_category_name,
    product_name_lenght,
    product_description_lenght,
    product_photos_qty,
    product_weight_g,
    product_length_cm,
    product_height_cm,
    product_width_cm,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY product_id
      ORDER BY _batch_date DESC, _source_file DESC, _source_line DESC, __new DESC
    ) AS __rn
  FROM (
    SELECT
      product_id,
      product_category_name,
      product_name_lenght,
      product_description_lenght,
      product_photos_qty,
      product_weight_g,
      product_length_cm,
      product_height_cm,
      product_width_cm,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_products
    UNION ALL
    SELECT
      __s.product_id,
      __s.product_category_name,
      __s.product_name_lenght,
      __s.product_description_lenght,
      __s.product_photos_qty,
      __s.product_weight_g,
      __s.product_length_cm,
      __s.product_height_cm,
      __s.product_width_cm,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.products AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_products
        WHERE
          __load_products.product_id = __s.product_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- delete the rows being replaced
DELETE FROM staging.products USING   __dedup_products
WHERE
  products.product_id = __dedup_products.product_id;

-- insert the new rows
INSERT INTO staging.products (
  product_id,
  product_category_name,
  product_name_lenght,
  product_description_lenght,
  product_photos_qty,
  product_weight_g,
  product_length_cm,
  product_height_cm,
  product_width_cm,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  product_id,
  product_category_name,
  product_name_lenght,
  product_description_lenght,
  product_photos_qty,
  product_weight_g,
  product_length_cm,
  product_height_cm,
  product_width_cm,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_products;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_products
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_products
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
DROP TABLE IF EXISTS __load_products;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_products;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_products;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_products (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_products BY NAME
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
FROM __rejects_products;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_products;

COMMIT;
