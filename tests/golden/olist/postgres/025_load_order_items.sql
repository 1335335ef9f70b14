-- step load:order_items
-- after: table:order_items
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_order_items;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_order_items;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_order_items (
  order_id VARCHAR(32) COLLATE "C",
  order_item_id INT,
  product_id VARCHAR(32) COLLATE "C",
  seller_id VARCHAR(32) COLLATE "C",
  shipping_limit_date TIMESTAMP,
  price DECIMAL(12, 2),
  freight_value DECIMAL(12, 2),
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_order_items (
  order_id,
  order_item_id,
  product_id,
  seller_id,
  shipping_limit_date,
  price,
  freight_value,
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
      COALESCE(CAST(order_id AS VARCHAR), '') || '|' || COALESCE(CAST(order_item_id AS VARCHAR), '') AS __k
    FROM (
      SELECT DISTINCT
        order_id,
        order_item_id,
        product_id,
        seller_id,
        shipping_limit_date,
        price,
        freight_value,
        _batch_date
      FROM __load_order_items
    ) AS __d
    GROUP BY
      order_id,
      order_item_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_order_items AS
SELECT
  order_id,
  order_item_id,
  product_id,
  seller_id,
  shipping_limit_date,
  price,
  freight_value,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM (
  SELECT
    order_id,
    order_item_id,
    product_id,
    seller_id,
    shipping_limit_date,
    price,
    freight_value,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY order_id, order_item_id
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
    ) AS __rn
  FROM (
    SELECT
      order_id,
      order_item_id,
      product_id,
      seller_id,
      shipping_limit_date,
      price,
      freight_value,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_order_items
    UNION ALL
    SELECT
      __s.order_id,
      __s.order_item_id,
      __s.product_id,
      __s.seller_id,
      __s.shipping_limit_date,
      __s.price,
      __s.freight_value,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.order_items AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_order_items
        WHERE
          __load_order_items.order_id = __s.order_id
          AND __load_order_items.order_item_id = __s.order_item_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- upsert by primary key
MERGE INTO staging.order_items
USING __dedup_order_items
ON order_items.order_id = __dedup_order_items.order_id
AND order_items.order_item_id = __dedup_order_items.order_item_id
WHEN MATCHED THEN UPDATE SET
  product_id = __dedup_order_items.product_id,
  seller_id = __dedup_order_items.seller_id,
  shipping_limit_date = __dedup_order_items.shipping_limit_date,
  price = __dedup_order_items.price,
  freight_value = __dedup_order_items.freight_value,
  _batch_date = __dedup_order_items._batch_date,
  _source_file = __dedup_order_items._source_file,
  _source_line = __dedup_order_items._source_line,
  _load_seq = __dedup_order_items._load_seq
WHEN NOT MATCHED THEN INSERT (
  order_id,
  order_item_id,
  product_id,
  seller_id,
  shipping_limit_date,
  price,
  freight_value,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_order_items.order_id,
  __dedup_order_items.order_item_id,
  __dedup_order_items.product_id,
  __dedup_order_items.seller_id,
  __dedup_order_items.shipping_limit_date,
  __dedup_order_items.price,
  __dedup_order_items.freight_value,
  __dedup_order_items._batch_date,
  __dedup_order_items._source_file,
  __dedup_order_items._source_line,
  __dedup_order_items._load_seq
);

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_order_items
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_order_items
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
DROP TABLE IF EXISTS __load_order_items;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_order_items;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_order_items;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_order_items (
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_order_items (
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
FROM __rejects_order_items;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_order_items;

COMMIT;
