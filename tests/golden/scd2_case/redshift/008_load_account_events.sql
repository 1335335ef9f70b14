-- step load:account_events
-- after: table:account_events
-- run-time parameters: manifest_url, rejects_manifest_url, iam_role, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_account_events;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_account_events;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_account_events (
  region VARCHAR(65535),
  account_no INTEGER,
  plan VARCHAR(65535),
  owner VARCHAR(65535),
  changed_at TIMESTAMP,
  _batch_date DATE,
  _source_file VARCHAR(65535),
  _source_line BIGINT
);

-- read the batch's files with COPY (listed in a manifest), by position
COPY __load_account_events
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
      COALESCE(CAST(region AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(account_no AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(changed_at AS VARCHAR(65535)), '') AS __k
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
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
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
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
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

-- upsert by primary key
MERGE INTO staging.account_events
USING __dedup_account_events
ON account_events.region = __dedup_account_events.region
AND account_events.account_no = __dedup_account_events.account_no
AND account_events.changed_at = __dedup_account_events.changed_at
WHEN MATCHED THEN UPDATE SET
  plan = __dedup_account_events.plan,
  owner = __dedup_account_events.owner,
  _batch_date = __dedup_account_events._batch_date,
  _source_file = __dedup_account_events._source_file,
  _source_line = __dedup_account_events._source_line,
  _load_seq = __dedup_account_events._load_seq
WHEN NOT MATCHED THEN INSERT (
  region,
  account_no,
  plan,
  owner,
  changed_at,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_account_events.region,
  __dedup_account_events.account_no,
  __dedup_account_events.plan,
  __dedup_account_events.owner,
  __dedup_account_events.changed_at,
  __dedup_account_events._batch_date,
  __dedup_account_events._source_file,
  __dedup_account_events._source_line,
  __dedup_account_events._load_seq
);

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
DROP TABLE IF EXISTS __load_account_events;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_account_events;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_account_events;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_account_events (
  source VARCHAR(65535),
  path VARCHAR(65535),
  line BIGINT,
  column_name VARCHAR(65535),
  "raw" VARCHAR(65535),
  reason VARCHAR(65535),
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects files with COPY (listed in a manifest), by position
COPY __rejects_account_events
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
FROM __rejects_account_events;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_account_events;

COMMIT;
