-- step load:customers
-- after: table:customers
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_customers;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_customers;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_customers (
  customer_id TEXT,
  customer_unique_id TEXT,
  customer_zip_code_prefix TEXT,
  customer_city TEXT,
  customer_state TEXT,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_customers BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'customer_id',
      'customer_unique_id',
      'customer_zip_code_prefix',
      'customer_city',
      'customer_state',
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
      COALESCE(CAST(customer_id AS TEXT), '') AS __k
    FROM (
      SELECT DISTINCT
        customer_id,
        customer_unique_id,
        customer_zip_code_prefix,
        customer_city,
        customer_state,
        _batch_date
      FROM __load_customers
    ) AS __d
    GROUP BY
      customer_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_customers AS
SELECT
  customer_id,
  customer_unique_id,
  customer_zip_code_prefix,
  customer_city,
  customer_state,
  _batch_date,
  _source_file,
  _source_line,
  CAST($load_seq AS BIGINT) AS _load_seq
FROM (
  SELECT
    customer_id,
    customer_unique_id,
    customer_zip_code_prefix,
    customer_city,
    customer_state,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY customer_id
      ORDER BY _batch_date DESC, _source_file DESC, _source_line DESC, __new DESC
    ) AS __rn
  FROM (
    SELECT
      customer_id,
      customer_unique_id,
      customer_zip_code_prefix,
      customer_city,
      customer_state,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_customers
    UNION ALL
    SELECT
      __s.customer_id,
      __s.customer_unique_id,
      __s.customer_zip_code_prefix,
      __s.customer_city,
      __s.customer_state,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.customers AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_customers
        WHERE
          __load_customers.customer_id = __s.customer_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- keep the customer_unique_id the rows being replaced held
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT
  $pipeline,
  'customers',
  $load_seq,
  'customer_unique_id',
  CAST(customers.customer_unique_id AS TEXT)
FROM staging.customers
JOIN __dedup_customers
  ON customers.customer_id = __dedup_customers.customer_id
WHERE
  customers.customer_unique_id <> __dedup_customers.customer_unique_id
  OR customers.customer_unique_id IS NULL
  AND NOT __dedup_customers.customer_unique_id IS NULL
  OR NOT customers.customer_unique_id IS NULL
  AND __dedup_customers.customer_unique_id IS NULL;

-- delete the rows being replaced
DELETE FROM staging.customers USING   __dedup_customers
WHERE
  customers.customer_id = __dedup_customers.customer_id;

-- insert the new rows
INSERT INTO staging.customers (
  customer_id,
  customer_unique_id,
  customer_zip_code_prefix,
  customer_city,
  customer_state,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  customer_id,
  customer_unique_id,
  customer_zip_code_prefix,
  customer_city,
  customer_state,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_customers;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_customers
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_customers
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
DROP TABLE IF EXISTS __load_customers;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_customers;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_customers;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_customers (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_customers BY NAME
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
FROM __rejects_customers;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_customers;

COMMIT;
