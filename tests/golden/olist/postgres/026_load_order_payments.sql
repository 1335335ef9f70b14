-- step load:order_payments
-- after: table:order_payments
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_order_payments;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_order_payments;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_order_payments (
  order_id VARCHAR(32) COLLATE "C",
  payment_sequential INT,
  payment_type VARCHAR(32) COLLATE "C",
  payment_installments INT,
  payment_value DECIMAL(12, 2),
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_order_payments (
  order_id,
  payment_sequential,
  payment_type,
  payment_installments,
  payment_value,
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
      COALESCE(CAST(order_id AS VARCHAR), '') || '|' || COALESCE(CAST(payment_sequential AS VARCHAR), '') AS __k
    FROM (
      SELECT DISTINCT
        order_id,
        payment_sequential,
        payment_type,
        payment_installments,
        payment_value,
        _batch_date
      FROM __load_order_payments
    ) AS __d
    GROUP BY
      order_id,
      payment_sequential,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_order_payments AS
SELECT
  order_id,
  payment_sequential,
  payment_type,
  payment_installments,
  payment_value,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM (
  SELECT
    order_id,
    payment_sequential,
    payment_type,
    payment_installments,
    payment_value,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY order_id, payment_sequential
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
    ) AS __rn
  FROM (
    SELECT
      order_id,
      payment_sequential,
      payment_type,
      payment_installments,
      payment_value,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_order_payments
    UNION ALL
    SELECT
      __s.order_id,
      __s.payment_sequential,
      __s.payment_type,
      __s.payment_installments,
      __s.payment_value,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.order_payments AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_order_payments
        WHERE
          __load_order_payments.order_id = __s.order_id
          AND __load_order_payments.payment_sequential = __s.payment_sequential
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- upsert by primary key
MERGE INTO staging.order_payments
USING __dedup_order_payments
ON order_payments.order_id = __dedup_order_payments.order_id
AND order_payments.payment_sequential = __dedup_order_payments.payment_sequential
WHEN MATCHED THEN UPDATE SET
  payment_type = __dedup_order_payments.payment_type,
  payment_installments = __dedup_order_payments.payment_installments,
  payment_value = __dedup_order_payments.payment_value,
  _batch_date = __dedup_order_payments._batch_date,
  _source_file = __dedup_order_payments._source_file,
  _source_line = __dedup_order_payments._source_line,
  _load_seq = __dedup_order_payments._load_seq
WHEN NOT MATCHED THEN INSERT (
  order_id,
  payment_sequential,
  payment_type,
  payment_installments,
  payment_value,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_order_payments.order_id,
  __dedup_order_payments.payment_sequential,
  __dedup_order_payments.payment_type,
  __dedup_order_payments.payment_installments,
  __dedup_order_payments.payment_value,
  __dedup_order_payments._batch_date,
  __dedup_order_payments._source_file,
  __dedup_order_payments._source_line,
  __dedup_order_payments._load_seq
);

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_order_payments
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_order_payments
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
DROP TABLE IF EXISTS __load_order_payments;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_order_payments;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_order_payments;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_order_payments (
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_order_payments (
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
FROM __rejects_order_payments;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_order_payments;

COMMIT;
