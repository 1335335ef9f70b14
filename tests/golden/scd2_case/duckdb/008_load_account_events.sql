-- step load:account_events
-- after: table:account_events
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_account_events;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_account_events;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_account_events (
  region TEXT,
  account_no INT,
  plan TEXT,
  owner TEXT,
  changed_at TIMESTAMP,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_account_events BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'region',
      'account_no',
      'plan',
      'owner',
      'changed_at',
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
      COALESCE(CAST(region AS TEXT), '') || '|' || COALESCE(CAST(account_no AS TEXT), '') || '|' || COALESCE(CAST(changed_at AS TEXT), '') AS __k
    FROM (
      SELECT DISTINCT
        region,
        account_no,
        plan,
        owner,
        changed_at,
        _batch_date
      FROM __load_account_events
    ) AS __d
    GROUP BY
      region,
      account_no,
      changed_at,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_account_events AS
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  _batch_date,
  _source_file,
  _source_line,
  CAST($load_seq AS BIGINT) AS _load_seq
FROM (
  SELECT
    region,
    account_no,
    plan,
    owner,
    changed_at,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY region, account_no, changed_at
      ORDER BY _batch_date DESC, _source_file DESC, _source_line DESC, __new DESC
    ) AS __rn
  FROM (
    SELECT
      region,
      account_no,
      plan,
      owner,
      changed_at,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_account_events
    UNION ALL
    SELECT
      __s.region,
      __s.account_no,
      __s.plan,
      __s.owner,
      __s.changed_at,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.account_events AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_account_events
        WHERE
          __load_account_events.region = __s.region
          AND __load_account_events.account_no = __s.account_no
          AND __load_account_events.changed_at = __s.changed_at
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- delete the rows being replaced
DELETE FROM staging.account_events USING   __dedup_account_events
WHERE
  account_events.region = __dedup_account_events.region
  AND account_events.account_no = __dedup_account_events.account_no
  AND account_events.changed_at = __dedup_account_events.changed_at;

-- insert the new rows
INSERT INTO staging.account_events (
  region,
  account_no,
  plan,
  owner,
  changed_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  region,
  account_no,
  plan,
  owner,
  changed_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_account_events;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_account_events
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_account_events
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
DROP TABLE IF EXISTS __load_account_events;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_account_events;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_account_events;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_account_events (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_account_events BY NAME
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
FROM __rejects_account_events;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_account_events;

COMMIT;
