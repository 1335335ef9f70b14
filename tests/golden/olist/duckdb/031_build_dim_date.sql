-- step build:dim_date
-- after: table:dim_date, load:orders, load:order_reviews
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_dim_date;

-- the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_dim_date AS
SELECT
  date_key,
  year,
  quarter,
  month,
  month_name,
  day,
  day_of_week,
  day_name,
  day_of_year,
  iso_week,
  is_weekend,
  year_month,
  month_start
FROM dwh.dim_date;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_date;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_date AS
SELECT
  __q.date_key,
  __q.year,
  __q.quarter,
  __q.month,
  __q.month_name,
  __q.day,
  __q.day_of_week,
  __q.day_name,
  __q.day_of_year,
  __q.iso_week,
  __q.is_weekend,
  __q.year_month,
  __q.month_start,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  WITH digits AS (
    SELECT
      0 AS d
    UNION ALL
    SELECT
      1 AS "1"
    UNION ALL
    SELECT
      2 AS "2"
    UNION ALL
    SELECT
      3 AS "3"
    UNION ALL
    SELECT
      4 AS "4"
    UNION ALL
    SELECT
      5 AS "5"
    UNION ALL
    SELECT
      6 AS "6"
    UNION ALL
    SELECT
      7 AS "7"
    UNION ALL
    SELECT
      8 AS "8"
    UNION ALL
    SELECT
      9 AS "9"
  ), numbers AS (
    SELECT
      d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d AS n
    FROM digits AS d1
    CROSS JOIN digits AS d2
    CROSS JOIN digits AS d3
    CROSS JOIN digits AS d4
    CROSS JOIN digits AS d5
  ), business_dates AS (
    SELECT
      CAST(orders.order_purchase_timestamp AS DATE) AS business_date
    FROM staging.orders AS orders
    UNION ALL
    SELECT
      CAST(order_reviews.review_creation_date AS DATE) AS business_date
    FROM staging.order_reviews AS order_reviews
  ), bounds AS (
    SELECT
      MIN(business_dates.business_date) AS first_date,
      MAX(business_dates.business_date) AS last_date
    FROM business_dates AS business_dates
  ), calendar AS (
    SELECT
      CAST(CAST(b.first_date AS TIMESTAMP) + INTERVAL (
        nb.n
      ) DAY AS DATE) AS date_key
    FROM numbers AS nb
    CROSS JOIN bounds AS b
    WHERE
      nb.n <= DATE_DIFF('DAY', CAST(b.first_date AS TIMESTAMP), CAST(b.last_date AS TIMESTAMP))
  ), parts AS (
    SELECT
      calendar.date_key AS date_key,
      CAST(EXTRACT(YEAR FROM calendar.date_key) AS INT) AS year,
      CAST(EXTRACT(QUARTER FROM calendar.date_key) AS INT) AS quarter,
      CAST(EXTRACT(MONTH FROM calendar.date_key) AS INT) AS month,
      CAST(EXTRACT(DAY FROM calendar.date_key) AS INT) AS day,
      CAST(EXTRACT(DAYOFWEEK FROM calendar.date_key) AS INT) AS day_of_week,
      CAST(EXTRACT(DAYOFYEAR FROM calendar.date_key) AS INT) AS day_of_year,
      CAST(EXTRACT(WEEK FROM calendar.date_key) AS INT) AS iso_week
    FROM calendar AS calendar
  )
  SELECT
    parts.date_key AS date_key,
    parts.year AS year,
    parts.quarter AS quarter,
    parts.month AS month,
    CASE parts.month
      WHEN 1
      THEN 'January'
      WHEN 2
      THEN 'February'
      WHEN 3
      THEN 'March'
      WHEN 4
      THEN 'April'
      WHEN 5
      THEN 'May'
      WHEN 6
      THEN 'June'
      WHEN 7
      THEN 'July'
      WHEN 8
      THEN 'August'
      WHEN 9
      THEN 'September'
      WHEN 10
      THEN 'October'
      WHEN 11
      THEN 'November'
      ELSE 'December'
    END AS month_name,
    parts.day AS day,
    parts.day_of_week AS day_of_week,
    CASE parts.day_of_week
      WHEN 0
      THEN 'Sunday'
      WHEN 1
      THEN 'Monday'
      WHEN 2
      THEN 'Tuesday'
      WHEN 3
      THEN 'Wednesday'
      WHEN 4
      THEN 'Thursday'
      WHEN 5
      THEN 'Friday'
      ELSE 'Saturday'
    END AS day_name,
    parts.day_of_year AS day_of_year,
    parts.iso_week AS iso_week,
    CASE WHEN parts.day_of_week IN (0, 6) THEN TRUE ELSE FALSE END AS is_weekend,
    STRFTIME(parts.date_key, '%Y-%m') AS year_month,
    CAST(DATE_TRUNC('MONTH', parts.date_key) AS DATE) AS month_start
  FROM parts AS parts
) AS __q;

-- guard: must return 0 or no rows, else fail with: the SELECT of 'dim_date' returned several rows for one key (date_key)
SELECT
  COUNT(*)
FROM (
  SELECT
    date_key
  FROM __src_dim_date
  GROUP BY
    date_key
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- remove the previous rows
DELETE FROM dwh.dim_date;

-- fill the table
INSERT INTO dwh.dim_date (
  date_key,
  year,
  quarter,
  month,
  month_name,
  day,
  day_of_week,
  day_name,
  day_of_year,
  iso_week,
  is_weekend,
  year_month,
  month_start,
  _build_seq
)
SELECT
  date_key,
  year,
  quarter,
  month,
  month_name,
  day,
  day_of_week,
  day_name,
  day_of_year,
  iso_week,
  is_weekend,
  year_month,
  month_start,
  _build_seq
FROM __src_dim_date;

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_date;

-- drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_dim_date;

-- the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_dim_date AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      date_key,
      year,
      quarter,
      month,
      month_name,
      day,
      day_of_week,
      day_name,
      day_of_year,
      iso_week,
      is_weekend,
      year_month,
      month_start
    FROM __prior_dim_date
    EXCEPT
    SELECT
      date_key,
      year,
      quarter,
      month,
      month_name,
      day,
      day_of_week,
      day_name,
      day_of_year,
      iso_week,
      is_weekend,
      year_month,
      month_start
    FROM dwh.dim_date
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      date_key,
      year,
      quarter,
      month,
      month_name,
      day,
      day_of_week,
      day_name,
      day_of_year,
      iso_week,
      is_weekend,
      year_month,
      month_start
    FROM dwh.dim_date
    EXCEPT
    SELECT
      date_key,
      year,
      quarter,
      month,
      month_name,
      day,
      day_of_week,
      day_name,
      day_of_year,
      iso_week,
      is_weekend,
      year_month,
      month_start
    FROM __prior_dim_date
  ) AS __new
) AS __d;

-- report: keys whose rows changed
SELECT
  COUNT(DISTINCT date_key) AS keys_changed
FROM __changed_dim_date;

-- report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    date_key
  FROM __prior_dim_date
  EXCEPT
  SELECT
    date_key
  FROM dwh.dim_date
) AS __lost;

-- record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  $pipeline,
  'dim_date',
  $build_seq,
  CAST(date_key AS TEXT)
FROM __changed_dim_date;

-- keep the year_month of the changed rows, before and after
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT DISTINCT
  $pipeline,
  'dim_date',
  $build_seq,
  'year_month',
  CAST(year_month AS TEXT)
FROM __changed_dim_date;

COMMIT;
