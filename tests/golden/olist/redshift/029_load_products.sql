-- step load:products
-- after: table:products
-- run-time parameters: manifest_url, rejects_manifest_url, iam_role, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_products;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_products;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_products (
  product_id VARCHAR(128),
  product_category_name VARCHAR(256),
  product_name_lenght INTEGER,
  product_description_lenght INTEGER,
  product_photos_qty INTEGER,
  product_weight_g INTEGER,
  product_length_cm INTEGER,
  product_height_cm INTEGER,
  product_width_cm INTEGER,
  _batch_date DATE,
  _source_file VARCHAR(65535),
  _source_line BIGINT
);

-- read the batch's files with COPY (listed in a manifest), by position
COPY __load_products
FROM %(manifest_url)s
IAM_ROLE %(iam_role)s
FORMAT PARQUET
MANIFEST;

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
      COALESCE(CAST(product_id AS VARCHAR(65535)), '') AS __k
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
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
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
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
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

-- upsert by primary key
MERGE INTO staging.products
USING __dedup_products
ON products.product_id = __dedup_products.product_id
WHEN MATCHED THEN UPDATE SET
  product_category_name = __dedup_products.product_category_name,
  product_name_lenght = __dedup_products.product_name_lenght,
  product_description_lenght = __dedup_products.product_description_lenght,
  product_photos_qty = __dedup_products.product_photos_qty,
  product_weight_g = __dedup_products.product_weight_g,
  product_length_cm = __dedup_products.product_length_cm,
  product_height_cm = __dedup_products.product_height_cm,
  product_width_cm = __dedup_products.product_width_cm,
  _batch_date = __dedup_products._batch_date,
  _source_file = __dedup_products._source_file,
  _source_line = __dedup_products._source_line,
  _load_seq = __dedup_products._load_seq
WHEN NOT MATCHED THEN INSERT (
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
) VALUES (
  __dedup_products.product_id,
  __dedup_products.product_category_name,
  __dedup_products.product_name_lenght,
  __dedup_products.product_description_lenght,
  __dedup_products.product_photos_qty,
  __dedup_products.product_weight_g,
  __dedup_products.product_length_cm,
  __dedup_products.product_height_cm,
  __dedup_products.product_width_cm,
  __dedup_products._batch_date,
  __dedup_products._source_file,
  __dedup_products._source_line,
  __dedup_products._load_seq
);

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
DROP TABLE IF EXISTS __load_products;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_products;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_products;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_products (
  source VARCHAR(65535),
  path VARCHAR(65535),
  line BIGINT,
  column_name VARCHAR(65535),
  "raw" VARCHAR(65535),
  reason VARCHAR(65535),
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects files with COPY (listed in a manifest), by position
COPY __rejects_products
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
FROM __rejects_products;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_products;

COMMIT;
