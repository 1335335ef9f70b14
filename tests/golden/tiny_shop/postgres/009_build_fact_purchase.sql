-- step build:fact_purchase
-- after: table:fact_purchase, load:purchases, check:dim_member
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_purchase;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_purchase AS
SELECT
  __q.purchase_id,
  __q.member_sk,
  __q.amount,
  __q.purchased_at,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    p.purchase_id AS purchase_id,
    d.member_sk AS member_sk,
    p.amount AS amount,
    p.purchased_at AS purchased_at
  FROM staging.purchases AS p
  LEFT JOIN dwh.dim_member AS d
    ON d.member_id = p.member_id
    AND p.purchased_at >= d.valid_from
    AND p.purchased_at < d.valid_to
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'fact_purchase' returned several rows for one key (purchase_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    purchase_id
  FROM __src_fact_purchase
  GROUP BY
    purchase_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- delete the rows it recomputes
DELETE FROM dwh.fact_purchase;

-- insert the new rows
INSERT INTO dwh.fact_purchase (
  purchase_id,
  member_sk,
  amount,
  purchased_at,
  _build_seq
)
SELECT
  purchase_id,
  member_sk,
  amount,
  purchased_at,
  _build_seq
FROM __src_fact_purchase;

-- drop the staging table
DROP TABLE IF EXISTS __src_fact_purchase;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_fact_purchase;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_fact_purchase AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS VARCHAR) AS __k
  FROM (
    SELECT
      purchase_id AS __v
    FROM staging.purchases
    WHERE
      _load_seq > %(since_purchases)s
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_fact_purchase;

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_fact_purchase;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_fact_purchase AS
SELECT
  __q.purchase_id,
  __q.member_sk,
  __q.amount,
  __q.purchased_at,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.purchase_id,
    __m.member_sk,
    __m.amount,
    __m.purchased_at
  FROM (
    SELECT
      p.purchase_id AS purchase_id,
      d.member_sk AS member_sk,
      p.amount AS amount,
      p.purchased_at AS purchased_at
    FROM staging.purchases AS p
    LEFT JOIN dwh.dim_member AS d
      ON d.member_id = p.member_id
      AND p.purchased_at >= d.valid_from
      AND p.purchased_at < d.valid_to
    WHERE
      p.purchase_id IN (
        SELECT
          __k
        FROM __affected_fact_purchase
      )
  ) AS __m
  WHERE
    __m.purchase_id IN (
      SELECT
        __k
      FROM __affected_fact_purchase
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'fact_purchase' returned several rows for one key (purchase_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    purchase_id
  FROM __src_fact_purchase
  GROUP BY
    purchase_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM dwh.fact_purchase
WHERE
  purchase_id IN (
    SELECT
      __k
    FROM __affected_fact_purchase
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO dwh.fact_purchase (
  purchase_id,
  member_sk,
  amount,
  purchased_at,
  _build_seq
)
SELECT
  purchase_id,
  member_sk,
  amount,
  purchased_at,
  _build_seq
FROM __src_fact_purchase;

COMMIT;
