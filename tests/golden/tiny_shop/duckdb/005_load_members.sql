-- step load:members
-- after: table:members
-- run-time parameters: batch_files, reject_files, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_members;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_members;

-- a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __load_members (
  member_id BIGINT,
  email TEXT,
  tier TEXT,
  city TEXT,
  updated_at TIMESTAMP,
  _batch_date DATE,
  _source_file TEXT,
  _source_line BIGINT
);

-- read the batch's Parquet files into it by column name
INSERT INTO __load_members BY NAME
SELECT
  COLUMNS(
    LAMBDA __c : __c IN (
      'member_id',
      'email',
      'tier',
      'city',
      'updated_at',
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
      COALESCE(CAST(member_id AS TEXT), '') AS __k
    FROM (
      SELECT DISTINCT
        member_id,
        email,
        tier,
        city,
        updated_at,
        _batch_date
      FROM __load_members
    ) AS __d
    GROUP BY
      member_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_members AS
SELECT
  member_id,
  email,
  tier,
  city,
  updated_at,
  _batch_date,
  _source_file,
  _source_line,
  CAST($load_seq AS BIGINT) AS _load_seq
FROM (
  SELECT
    member_id,
    email,
    tier,
    city,
    updated_at,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY member_id
      ORDER BY updated_at DESC, _batch_date DESC, _source_file DESC, _source_line DESC, __new DESC
    ) AS __rn
  FROM (
    SELECT
      member_id,
      email,
      tier,
      city,
      updated_at,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_members
    UNION ALL
    SELECT
      __s.member_id,
      __s.email,
      __s.tier,
      __s.city,
      __s.updated_at,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.members AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_members
        WHERE
          __load_members.member_id = __s.member_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- delete the rows being replaced
DELETE FROM staging.members USING   __dedup_members
WHERE
  members.member_id = __dedup_members.member_id;

-- insert the new rows
INSERT INTO staging.members (
  member_id,
  email,
  tier,
  city,
  updated_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
)
SELECT
  member_id,
  email,
  tier,
  city,
  updated_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
FROM __dedup_members;

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_members
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_members
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
DROP TABLE IF EXISTS __load_members;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_members;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_members;

-- when the batch has rejected rows: a transient table shaped like the spec's lake files
CREATE TEMPORARY TABLE __rejects_members (
  source TEXT,
  path TEXT,
  line BIGINT,
  column_name TEXT,
  raw TEXT,
  reason TEXT,
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects Parquet files into it by column name
INSERT INTO __rejects_members BY NAME
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
FROM __rejects_members;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_members;

COMMIT;
