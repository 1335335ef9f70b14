-- step build:fact_reviews
-- after: table:fact_reviews, load:order_reviews, load:orders, load:customers, check:dim_customer, check:dim_date, check:fact_orders
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_reviews;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_reviews AS
SELECT
  __q.review_id,
  __q.order_id,
  __q.customer_sk,
  __q.date_key,
  __q.purchase_date,
  __q.review_score,
  __q.comment_title,
  __q.comment_message,
  __q.has_comment,
  __q.created_ts,
  __q.answered_ts,
  __q.answer_days,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    r.review_id AS review_id,
    r.order_id AS order_id,
    dc.customer_sk AS customer_sk,
    CAST(r.review_creation_date AS DATE) AS date_key,
    CAST(o.order_purchase_timestamp AS DATE) AS purchase_date,
    r.review_score AS review_score,
    r.review_comment_title AS comment_title,
    r.review_comment_message AS comment_message,
    CASE
      WHEN NOT r.review_comment_title IS NULL OR NOT r.review_comment_message IS NULL
      THEN TRUE
      ELSE FALSE
    END AS has_comment,
    r.review_creation_date AS created_ts,
    r.review_answer_timestamp AS answered_ts,
    CAST(DATEDIFF(DAY, CAST(r.review_creation_date AS DATE), CAST(r.review_answer_timestamp AS DATE)) AS INTEGER) AS answer_days
  FROM staging.order_reviews AS r
  JOIN staging.orders AS o
    ON o.order_id = r.order_id
  JOIN staging.customers AS c
    ON c.customer_id = o.customer_id
  JOIN dwh.dim_customer AS dc
    ON dc.customer_unique_id = c.customer_unique_id
    AND dc.valid_from <= o.order_purchase_timestamp
    AND o.order_purchase_timestamp < dc.valid_to
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_reviews' returned several rows for one key (review_id, order_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    review_id,
    order_id
  FROM __src_fact_reviews
  GROUP BY
    review_id,
    order_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- merge by key
MERGE INTO dwh.fact_reviews
USING __src_fact_reviews
ON fact_reviews.review_id = __src_fact_reviews.review_id
AND fact_reviews.order_id = __src_fact_reviews.order_id
WHEN MATCHED THEN UPDATE SET
  customer_sk = __src_fact_reviews.customer_sk,
  date_key = __src_fact_reviews.date_key,
  purchase_date = __src_fact_reviews.purchase_date,
  review_score = __src_fact_reviews.review_score,
  comment_title = __src_fact_reviews.comment_title,
  comment_message = __src_fact_reviews.comment_message,
  has_comment = __src_fact_reviews.has_comment,
  created_ts = __src_fact_reviews.created_ts,
  answered_ts = __src_fact_reviews.answered_ts,
  answer_days = __src_fact_reviews.answer_days,
  _build_seq = __src_fact_reviews._build_seq
WHEN NOT MATCHED THEN INSERT (
  review_id,
  order_id,
  customer_sk,
  date_key,
  purchase_date,
  review_score,
  comment_title,
  comment_message,
  has_comment,
  created_ts,
  answered_ts,
  answer_days,
  _build_seq
) VALUES (
  __src_fact_reviews.review_id,
  __src_fact_reviews.order_id,
  __src_fact_reviews.customer_sk,
  __src_fact_reviews.date_key,
  __src_fact_reviews.purchase_date,
  __src_fact_reviews.review_score,
  __src_fact_reviews.comment_title,
  __src_fact_reviews.comment_message,
  __src_fact_reviews.has_comment,
  __src_fact_reviews.created_ts,
  __src_fact_reviews.answered_ts,
  __src_fact_reviews.answer_days,
  __src_fact_reviews._build_seq
);

-- delete keys its SELECT no longer returns
DELETE FROM dwh.fact_reviews
WHERE
  NOT EXISTS(
    SELECT
      1
    FROM __src_fact_reviews AS __s
    WHERE
      fact_reviews.review_id = __s.review_id AND fact_reviews.order_id = __s.order_id
  );

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_reviews;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_reviews;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_reviews AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      review_id AS __v
    FROM staging.order_reviews
    WHERE
      _load_seq > %(since_order_reviews)s
  ) AS __p
  UNION
  SELECT
    CAST(__v AS VARCHAR(65535)) AS __k
  FROM (
    SELECT
      review_id AS __v
    FROM staging.order_reviews
    WHERE
      order_id IN (
        SELECT
          __v
        FROM (
          SELECT
            order_id AS __v
          FROM staging.orders
          WHERE
            _load_seq > %(since_orders)s
          UNION
          SELECT
            order_id AS __v
          FROM staging.orders
          WHERE
            customer_id IN (
              SELECT
                __v
              FROM (
                SELECT
                  customer_id AS __v
                FROM staging.customers
                WHERE
                  _load_seq > %(since_customers)s
              ) AS __h
            )
          UNION
          SELECT
            order_id AS __v
          FROM staging.orders
          WHERE
            customer_id IN (
              SELECT
                __v
              FROM (
                SELECT
                  customer_id AS __v
                FROM staging.customers
                WHERE
                  customer_unique_id IN (
                    SELECT
                      __v
                    FROM (
                      SELECT
                        CAST(key AS VARCHAR(65535)) AS __v
                      FROM elt.model_changes
                      WHERE
                        pipeline = %(pipeline)s
                        AND model = 'dim_customer'
                        AND build_seq > %(since_dim_customer)s
                    ) AS __h
                  )
              ) AS __h
            )
        ) AS __h
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_reviews;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_reviews;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_reviews AS
SELECT
  __q.review_id,
  __q.order_id,
  __q.customer_sk,
  __q.date_key,
  __q.purchase_date,
  __q.review_score,
  __q.comment_title,
  __q.comment_message,
  __q.has_comment,
  __q.created_ts,
  __q.answered_ts,
  __q.answer_days,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.review_id,
    __m.order_id,
    __m.customer_sk,
    __m.date_key,
    __m.purchase_date,
    __m.review_score,
    __m.comment_title,
    __m.comment_message,
    __m.has_comment,
    __m.created_ts,
    __m.answered_ts,
    __m.answer_days
  FROM (
    SELECT
      r.review_id AS review_id,
      r.order_id AS order_id,
      dc.customer_sk AS customer_sk,
      CAST(r.review_creation_date AS DATE) AS date_key,
      CAST(o.order_purchase_timestamp AS DATE) AS purchase_date,
      r.review_score AS review_score,
      r.review_comment_title AS comment_title,
      r.review_comment_message AS comment_message,
      CASE
        WHEN NOT r.review_comment_title IS NULL OR NOT r.review_comment_message IS NULL
        THEN TRUE
        ELSE FALSE
      END AS has_comment,
      r.review_creation_date AS created_ts,
      r.review_answer_timestamp AS answered_ts,
      CAST(DATEDIFF(DAY, CAST(r.review_creation_date AS DATE), CAST(r.review_answer_timestamp AS DATE)) AS INTEGER) AS answer_days
    FROM staging.order_reviews AS r
    JOIN staging.orders AS o
      ON o.order_id = r.order_id
    JOIN staging.customers AS c
      ON c.customer_id = o.customer_id
    JOIN dwh.dim_customer AS dc
      ON dc.customer_unique_id = c.customer_unique_id
      AND dc.valid_from <= o.order_purchase_timestamp
      AND o.order_purchase_timestamp < dc.valid_to
    WHERE
      r.review_id IN (
        SELECT
          __k
        FROM __affected_fact_reviews
      )
  ) AS __m
  WHERE
    __m.review_id IN (
      SELECT
        __k
      FROM __affected_fact_reviews
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_reviews' returned several rows for one key (review_id, order_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    review_id,
    order_id
  FROM __src_fact_reviews
  GROUP BY
    review_id,
    order_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): merge by key
MERGE INTO dwh.fact_reviews
USING __src_fact_reviews
ON fact_reviews.review_id = __src_fact_reviews.review_id
AND fact_reviews.order_id = __src_fact_reviews.order_id
WHEN MATCHED THEN UPDATE SET
  customer_sk = __src_fact_reviews.customer_sk,
  date_key = __src_fact_reviews.date_key,
  purchase_date = __src_fact_reviews.purchase_date,
  review_score = __src_fact_reviews.review_score,
  comment_title = __src_fact_reviews.comment_title,
  comment_message = __src_fact_reviews.comment_message,
  has_comment = __src_fact_reviews.has_comment,
  created_ts = __src_fact_reviews.created_ts,
  answered_ts = __src_fact_reviews.answered_ts,
  answer_days = __src_fact_reviews.answer_days,
  _build_seq = __src_fact_reviews._build_seq
WHEN NOT MATCHED THEN INSERT (
  review_id,
  order_id,
  customer_sk,
  date_key,
  purchase_date,
  review_score,
  comment_title,
  comment_message,
  has_comment,
  created_ts,
  answered_ts,
  answer_days,
  _build_seq
) VALUES (
  __src_fact_reviews.review_id,
  __src_fact_reviews.order_id,
  __src_fact_reviews.customer_sk,
  __src_fact_reviews.date_key,
  __src_fact_reviews.purchase_date,
  __src_fact_reviews.review_score,
  __src_fact_reviews.comment_title,
  __src_fact_reviews.comment_message,
  __src_fact_reviews.has_comment,
  __src_fact_reviews.created_ts,
  __src_fact_reviews.answered_ts,
  __src_fact_reviews.answer_days,
  __src_fact_reviews._build_seq
);

-- when its inputs' changes are known (a scoped build): delete keys its SELECT no longer returns
DELETE FROM dwh.fact_reviews
WHERE
  review_id IN (
    SELECT
      __k
    FROM __affected_fact_reviews
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM __src_fact_reviews AS __s
    WHERE
      fact_reviews.review_id = __s.review_id AND fact_reviews.order_id = __s.order_id
  );

COMMIT;
