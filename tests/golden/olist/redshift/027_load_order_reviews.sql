-- step load:order_reviews
-- after: table:order_reviews
-- run-time parameters: manifest_url, rejects_manifest_url, iam_role, pipeline, source, path, size_bytes, checksum, row_count, batch_date, run_id, loaded_at, load_seq
BEGIN;

-- drop a leftover load table
DROP TABLE IF EXISTS __load_order_reviews;

-- drop a leftover de-duplication table
DROP TABLE IF EXISTS __dedup_order_reviews;

-- a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __load_order_reviews (
  review_id VARCHAR(128),
  order_id VARCHAR(128),
  review_score INTEGER,
  review_comment_title VARCHAR(1024),
  review_comment_message VARCHAR(4096),
  review_creation_date TIMESTAMP,
  review_answer_timestamp TIMESTAMP,
  _batch_date DATE,
  _source_file VARCHAR(65535),
  _source_line BIGINT
);

-- read the batch's files with COPY (listed in a manifest), by position
COPY __load_order_reviews
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
      COALESCE(CAST(review_id AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(order_id AS VARCHAR(65535)), '') AS __k
    FROM (
      SELECT DISTINCT
        review_id,
        order_id,
        review_score,
        review_comment_title,
        review_comment_message,
        review_creation_date,
        review_answer_timestamp,
        _batch_date
      FROM __load_order_reviews
    ) AS __d
    GROUP BY
      review_id,
      order_id,
      _batch_date
    HAVING
      COUNT(*) > 1
  ) AS __c
) AS __r;

-- keep one row per primary key ('latest wins')
CREATE TEMPORARY TABLE __dedup_order_reviews AS
SELECT
  review_id,
  order_id,
  review_score,
  review_comment_title,
  review_comment_message,
  review_creation_date,
  review_answer_timestamp,
  _batch_date,
  _source_file,
  _source_line,
  CAST(%(load_seq)s AS BIGINT) AS _load_seq
FROM (
  SELECT
    review_id,
    order_id,
    review_score,
    review_comment_title,
    review_comment_message,
    review_creation_date,
    review_answer_timestamp,
    _batch_date,
    _source_file,
    _source_line,
    __new,
    ROW_NUMBER() OVER (
      PARTITION BY review_id, order_id
      ORDER BY _batch_date DESC NULLS LAST, _source_file DESC NULLS LAST, _source_line DESC NULLS LAST, __new DESC NULLS LAST
    ) AS __rn
  FROM (
    SELECT
      review_id,
      order_id,
      review_score,
      review_comment_title,
      review_comment_message,
      review_creation_date,
      review_answer_timestamp,
      _batch_date,
      _source_file,
      _source_line,
      1 AS __new
    FROM __load_order_reviews
    UNION ALL
    SELECT
      __s.review_id,
      __s.order_id,
      __s.review_score,
      __s.review_comment_title,
      __s.review_comment_message,
      __s.review_creation_date,
      __s.review_answer_timestamp,
      __s._batch_date,
      __s._source_file,
      __s._source_line,
      0 AS __new
    FROM staging.order_reviews AS __s
    WHERE
      EXISTS(
        SELECT
          1
        FROM __load_order_reviews
        WHERE
          __load_order_reviews.review_id = __s.review_id
          AND __load_order_reviews.order_id = __s.order_id
      )
  ) AS __b
) AS __l
WHERE
  __rn = 1 AND __new = 1;

-- upsert by primary key
MERGE INTO staging.order_reviews
USING __dedup_order_reviews
ON order_reviews.review_id = __dedup_order_reviews.review_id
AND order_reviews.order_id = __dedup_order_reviews.order_id
WHEN MATCHED THEN UPDATE SET
  review_score = __dedup_order_reviews.review_score,
  review_comment_title = __dedup_order_reviews.review_comment_title,
  review_comment_message = __dedup_order_reviews.review_comment_message,
  review_creation_date = __dedup_order_reviews.review_creation_date,
  review_answer_timestamp = __dedup_order_reviews.review_answer_timestamp,
  _batch_date = __dedup_order_reviews._batch_date,
  _source_file = __dedup_order_reviews._source_file,
  _source_line = __dedup_order_reviews._source_line,
  _load_seq = __dedup_order_reviews._load_seq
WHEN NOT MATCHED THEN INSERT (
  review_id,
  order_id,
  review_score,
  review_comment_title,
  review_comment_message,
  review_creation_date,
  review_answer_timestamp,
  _batch_date,
  _source_file,
  _source_line,
  _load_seq
) VALUES (
  __dedup_order_reviews.review_id,
  __dedup_order_reviews.order_id,
  __dedup_order_reviews.review_score,
  __dedup_order_reviews.review_comment_title,
  __dedup_order_reviews.review_comment_message,
  __dedup_order_reviews.review_creation_date,
  __dedup_order_reviews.review_answer_timestamp,
  __dedup_order_reviews._batch_date,
  __dedup_order_reviews._source_file,
  __dedup_order_reviews._source_line,
  __dedup_order_reviews._load_seq
);

-- report: rows read and rows kept after de-duplication
SELECT
  (
    SELECT
      COUNT(*)
    FROM __load_order_reviews
  ) AS rows_read,
  (
    SELECT
      COUNT(*)
    FROM __dedup_order_reviews
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
DROP TABLE IF EXISTS __load_order_reviews;

-- drop the de-duplication table
DROP TABLE IF EXISTS __dedup_order_reviews;

-- when the batch has rejected rows: drop a leftover rejects table
DROP TABLE IF EXISTS __rejects_order_reviews;

-- when the batch has rejected rows: a transient table shaped exactly like the lake files
CREATE TEMPORARY TABLE __rejects_order_reviews (
  source VARCHAR(65535),
  path VARCHAR(65535),
  line BIGINT,
  column_name VARCHAR(65535),
  "raw" VARCHAR(65535),
  reason VARCHAR(65535),
  batch_date DATE
);

-- when the batch has rejected rows: read the batch's rejects files with COPY (listed in a manifest), by position
COPY __rejects_order_reviews
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
FROM __rejects_order_reviews;

-- when the batch has rejected rows: drop the rejects table
DROP TABLE IF EXISTS __rejects_order_reviews;

COMMIT;
