-- step load:purchases
-- after: table:purchases
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_purchases;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_purchases;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_purchases (
  purchase_id TEXT,
  member_id BIGINT,
  amount DECIMAL(10, 2),
  purchased_at TIMESTAMP,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_purchases BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'purchase_id',
      'member_id',
      'amount',
      'purchased_at',
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
      COALESCE(CAST(purchase_id AS TEXT), '') AS __k
    FROM (
      SELECT DISTINCT
        purchase_id,
        member_id,
        amount,
        purchased_at,
        _batch_date
      FROM __load_purchases
    ) AS __d
    GROUP BY
      purchase_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_purchases AS
SELECT
  purchase_id,
  member_id,
  amount,
  purchased_at,
  _batch_date,
  _source_file,
  _source_line,
  CAST($load_seq AS BIGINT) AS _load_seq
FROM (
  SELECT
    purchase_id,
    member_id,
    amount,
    purchased_at,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY purchase_id
      ORDER BY _batch_date ASC NULLS FIRST, _batch_date DESC, _source_file DESC, _source_line DESC
    ) AS __rn
  FROM (
    SELECT
      purchase_id,
      member_id,
      amount,
      purchased_at,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_purchases
  ) AS __b
) AS __l
WHERE
  __rn = 1;

-- a batch loaded in part before: its rows, loaded whole now
DELETE FROM staging.purchases
WHERE
  _batch_date IN (
    SELECT
      _batch_date
    FROM __load_purchases
  );

-- a row an earlier batch re-sends exactly: that batch's copy is kept
DELETE FROM staging.purchases USING   __dedup_purchases
WHERE
  (
    purchases.purchase_id = __dedup_purchases.purchase_id
    OR (
      purchases.purchase_id IS NULL AND __dedup_purchases.purchase_id IS NULL
    )
  )
  AND (
    purchases.member_id = __dedup_purchases.member_id
    OR (
      purchases.member_id IS NULL AND __dedup_purchases.member_id IS NULL
    )
  )
  AND (
    purchases.amount = __dedup_purchases.amount
    OR (
      purchases.amount IS NULL AND __dedup_purchases.amount IS NULL
    )
  )
  AND (
    purchases.purchased_at = __dedup_purchases.purchased_at
    OR (
      purchases.purchased_at IS NULL AND __dedup_purchases.purchased_at IS NULL
    )
  )
  AND __dedup_purchases._batch_date < purchases._batch_date;

-- drop the rows re-sent exactly as already loaded
DELETE FROM __dedup_purchases
WHERE
  EXISTS(
    SELECT
      1
    FROM staging.purchases AS __s
    WHERE
      (
        __s.purchase_id = __dedup_purchases.purchase_id
        OR (
          __s.purchase_id IS NULL AND __dedup_purchases.purchase_id IS NULL
        )
      )
      AND (
        __s.member_id = __dedup_purchases.member_id
        OR (
          __s.member_id IS NULL AND __dedup_purchases.member_id IS NULL
        )
      )
      AND (
        __s.amount = __dedup_purchases.amount
        OR (
          __s.amount IS NULL AND __dedup_purchases.amount IS NULL
        )
      )
      AND (
        __s.purchased_at = __dedup_purchases.purchased_at
        OR (
          __s.purchased_at IS NULL AND __dedup_purchases.purchased_at IS NULL
        )
      )
  );

-- guard: must return 0 or no rows, else fail with: rows of this batch repeat primary keys already loaded into 'purchases' (load_mode append never overwrites: to let a later batch replace a key, set `load_mode: upsert` and reload the source with `elt run --full --select purchases+`)
SELECT
  COUNT(*) OVER () AS found,
  __dedup_purchases.purchase_id,
  __dedup_purchases._source_file AS file,
  __dedup_purchases._source_line AS line,
  __dedup_purchases._batch_date AS batch
FROM __dedup_purchases
WHERE
  EXISTS(
    SELECT
      1
    FROM staging.purchases AS __s
    WHERE
      __s.purchase_id = __dedup_purchases.purchase_id
  )
ORDER BY
  __dedup_purchases.purchase_id,
  __dedup_purchases._source_line
LIMIT 3;

-- guard: must return 0 or no rows, else fail with: a later batch delivers primary keys of 'purchases' again with other values (load_mode append never overwrites: to let a later batch replace a key, set `load_mode: upsert` and reload the source with `elt run --full --select purchases+`)
SELECT
  COUNT(*) OVER () AS found,
  __b.purchase_id,
  __b.first_batch,
  __b.again_in_batch
FROM (
  SELECT
    purchase_id,
    MIN(_batch_date) AS first_batch,
    MAX(_batch_date) AS again_in_batch
  FROM __load_purchases
  GROUP BY
    purchase_id
  HAVING
    COUNT(DISTINCT _batch_date) > 1
) AS __b
JOIN (
  SELECT
    purchase_id
  FROM (
    SELECT DISTINCT
      purchase_id,
      member_id,
      amount,
      purchased_at
    FROM __load_purchases
  ) AS __d
  GROUP BY
    purchase_id
  HAVING
    COUNT(*) > 1
) AS __v
  ON __v.purchase_id = __b.purchase_id
ORDER BY
  __b.purchase_id
LIMIT 3;

-- insert the batch
INSERT INTO staging.purchases (
  purchase_id,
  member_id,
  amount,
  purchased_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  purchase_id,
  member_id,
  amount,
  purchased_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_purchases;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_purchases
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_purchases
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
DROP TABLE IF EXISTS __load_purchases;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_purchases;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_purchases;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_purchases (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_purchases BY NAME
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
FROM __rejects_purchases;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_purchases;

COMMIT;
