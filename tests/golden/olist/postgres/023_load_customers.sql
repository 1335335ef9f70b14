-- step load:customers
-- after: table:customers
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_customers;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_customers;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_customers (
  customer_id VARCHAR(32) COLLATE "C",
  customer_unique_id VARCHAR(32) COLLATE "C",
  customer_zip_code_prefix VARCHAR(10) COLLATE "C",
  customer_city VARCHAR(64) COLLATE "C",
  customer_state VARCHAR(2) COLLATE "C",
  _batch_date DATE,
  _source_file VARCHAR COLLATE "C",
  _source_line BIGINT
);

-- stream the batch's files into it, by column name
COPY __load_customers (
  customer_id,
  customer_unique_id,
  customer_zip_code_prefix,
  customer_city,
  customer_state,
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
      COALESCE(CAST(customer_id AS VARCHAR), '') AS __k
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
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
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
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
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
  %(pipeline)s,
  'customers',
  %(load_seq)s,
  'customer_unique_id',
  CAST(customers.customer_unique_id AS VARCHAR)
FROM staging.customers
JOIN __dedup_customers
  ON customers.customer_id = __dedup_customers.customer_id
WHERE
  customers.customer_unique_id <> __dedup_customers.customer_unique_id
  OR customers.customer_unique_id IS NULL
  AND NOT __dedup_customers.customer_unique_id IS NULL
  OR NOT customers.customer_unique_id IS NULL
  AND __dedup_customers.customer_unique_id IS NULL;

-- upsert by primary key
MERGE INTO staging.customers
USING __dedup_customers
ON customers.customer_id = __dedup_customers.customer_id
WHEN MATCHED THEN UPDATE SET
  customer_unique_id = __dedup_customers.customer_unique_id,
  customer_zip_code_prefix = __dedup_customers.customer_zip_code_prefix,
  customer_city = __dedup_customers.customer_city,
  customer_state = __dedup_customers.customer_state,
  _batch_date = __dedup_customers._batch_date,
  _source_file = __dedup_customers._source_file,
  _source_line = __dedup_customers._source_line,
  _load_seq = __dedup_customers._load_seq
WHEN NOT MATCHED THEN INSERT (
  customer_id,
  customer_unique_id,
  customer_zip_code_prefix,
  customer_city,
  customer_state,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_customers.customer_id,
  __dedup_customers.customer_unique_id,
  __dedup_customers.customer_zip_code_prefix,
  __dedup_customers.customer_city,
  __dedup_customers.customer_state,
  __dedup_customers._batch_date,
  __dedup_customers._source_file,
  __dedup_customers._source_line,
  __dedup_customers._load_seq
);

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
DROP TABLE IF EXISTS __load_customers;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_customers;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_customers;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_customers (
  source VARCHAR COLLATE "C",
  path VARCHAR COLLATE "C",
  line BIGINT,
  column_name VARCHAR COLLATE "C",
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C",
  batch_date DATE
);

-- when the batch has rejected rows: stream the batch's rejects files into it, by column name
COPY __rejects_customers (
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
FROM __rejects_customers;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_customers;

COMMIT;
