-- step load:orders
-- after: table:orders
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_orders;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_orders;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_orders (
  order_id VARCHAR(32) COLLATE "C",
  customer_id VARCHAR(32) COLLATE "C",
  order_status VARCHAR(32) COLLATE "C",
  order_purchase_timestamp TIMESTAMP,
  order_approved_at TIMESTAMP,
  order_delivered_carrier_date TIMESTAMP,
  order_delivered_customer_date TIMESTAMP,
  order_estimated_delivery_date TIMESTAMP,
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_orders (
  order_id,
  customer_id,
  order_status,
  order_purchase_timestamp,
  order_approved_at,
  order_delivered_carrier_date,
  order_delivered_customer_date,
  order_estimated_delivery_date,
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
      COALESCE(CAST(order_id AS VARCHAR), '') AS __k
    FROM (
      SELECT DISTINCT
        order_id,
        customer_id,
        order_status,
        order_purchase_timestamp,
        order_approved_at,
        order_delivered_carrier_date,
        order_delivered_customer_date,
        order_estimated_delivery_date,
        _batch_date
      FROM __load_orders
    ) AS __d
    GROUP BY
      order_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_orders AS
SELECT
  order_id,
  customer_id,
  order_status,
  order_purchase_timestamp,
  order_approved_at,
  order_delivered_carrier_date,
  order_delivered_customer_date,
  order_estimated_delivery_date,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM (
  SELECT
    order_id,
    customer_id,
    order_status,
    order_purchase_timestamp,
    order_approved_at,
    order_delivered_carrier_date,
    order_delivered_customer_date,
    order_estimated_delivery_date,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY order_id
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
    ) AS __rn
  FROM (
    SELECT
      order_id,
      customer_id,
      order_status,
      order_purchase_timestamp,
      order_approved_at,
      order_delivered_carrier_date,
      order_delivered_customer_date,
      order_estimated_delivery_date,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_orders
    UNION ALL
    SELECT
      __s.order_id,
      __s.customer_id,
      __s.order_status,
      __s.order_purchase_timestamp,
      __s.order_approved_at,
      __s.order_delivered_carrier_date,
      __s.order_delivered_customer_date,
      __s.order_estimated_delivery_date,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.orders AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_orders
        WHERE
          __load_orders.order_id = __s.order_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- keep the customer_id the rows being replaced held
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT
  %(pipeline)s,
  'orders',
  %(load_seq)s,
  'customer_id',
  CAST(orders.customer_id AS VARCHAR)
FROM staging.orders
JOIN __dedup_orders
  ON orders.order_id = __dedup_orders.order_id
WHERE
  orders.customer_id <> __dedup_orders.customer_id
  OR orders.customer_id IS NULL
  AND NOT __dedup_orders.customer_id IS NULL
  OR NOT orders.customer_id IS NULL
  AND __dedup_orders.customer_id IS NULL;

-- upsert by primary key
MERGE INTO staging.orders
USING __dedup_orders
ON orders.order_id = __dedup_orders.order_id
WHEN MATCHED THEN UPDATE SET
  customer_id = __dedup_orders.customer_id,
  order_status = __dedup_orders.order_status,
  order_purchase_timestamp = __dedup_orders.order_purchase_timestamp,
  order_approved_at = __dedup_orders.order_approved_at,
  order_delivered_carrier_date = __dedup_orders.order_delivered_carrier_date,
  order_delivered_customer_date = __dedup_orders.order_delivered_customer_date,
  order_estimated_delivery_date = __dedup_orders.order_estimated_delivery_date,
  _batch_date = __dedup_orders._batch_date,
  _source_file = __dedup_orders._source_file,
  _source_line = __dedup_orders._source_line,
  _load_seq = __dedup_orders._load_seq
WHEN NOT MATCHED THEN INSERT (
  order_id,
  customer_id,
  order_status,
  order_purchase_timestamp,
  order_approved_at,
  order_delivered_carrier_date,
  order_delivered_customer_date,
  order_estimated_delivery_date,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_orders.order_id,
  __dedup_orders.customer_id,
  __dedup_orders.order_status,
  __dedup_orders.order_purchase_timestamp,
  __dedup_orders.order_approved_at,
  __dedup_orders.order_delivered_carrier_date,
  __dedup_orders.order_delivered_customer_date,
  __dedup_orders.order_estimated_delivery_date,
  __dedup_orders._batch_date,
  __dedup_orders._source_file,
  __dedup_orders._source_line,
  __dedup_orders._load_seq
);

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_orders
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_orders
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
DROP TABLE IF EXISTS __load_orders;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_orders;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_orders;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_orders (
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_orders (
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
FROM __rejects_orders;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_orders;

COMMIT;
