-- step check:dim_date
-- after: build:dim_date

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_date
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      CASE WHEN month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31 THEN 1 ELSE 0 END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      CASE WHEN (
        quarter - 1
      ) * 3 < month AND month <= quarter * 3 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      CASE
        WHEN (
          is_weekend AND day_of_week IN (0, 6)
        )
        OR (
          NOT is_weekend AND NOT day_of_week IN (0, 6)
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      CASE
        WHEN month_start <= date_key AND EXTRACT(DAY FROM month_start) = 1
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        date_key,
        COUNT(*) AS occurrences
      FROM dwh.dim_date
      WHERE
        NOT date_key IS NULL
      GROUP BY
        date_key
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      date_key IS NULL
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      NOT quarter IS NULL AND NOT quarter IN (1, 2, 3, 4)
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      NOT month_name IS NULL
      AND NOT month_name IN (
        'January',
        'February',
        'March',
        'April',
        'May',
        'June',
        'July',
        'August',
        'September',
        'October',
        'November',
        'December'
      )
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_date
    WHERE
      NOT day_of_week IS NULL AND NOT day_of_week IN (0, 1, 2, 3, 4, 5, 6)
  ) AS check_9;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_date HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.dim_date
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(month_in_range) [error]: month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE CASE WHEN month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  CASE WHEN month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31 THEN 1 ELSE 0 END = 0;

-- check expression(quarter_matches_month) [error]: (quarter - 1) * 3 < month AND month <= quarter * 3
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE CASE WHEN (quarter - 1) * 3 < month AND month <= quarter * 3 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  CASE WHEN (
    quarter - 1
  ) * 3 < month AND month <= quarter * 3 THEN 1 ELSE 0 END = 0;

-- check expression(weekend_flag_consistent) [error]: (is_weekend AND day_of_week IN (0, 6)) OR (NOT is_weekend AND day_of_week NOT IN (0, 6))
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE CASE WHEN (is_weekend AND day_of_week IN (0, 6)) OR (NOT is_weekend AND NOT day_of_week IN (0, 6)) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  CASE
    WHEN (
      is_weekend AND day_of_week IN (0, 6)
    )
    OR (
      NOT is_weekend AND NOT day_of_week IN (0, 6)
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(month_start_consistent) [error]: month_start <= date_key AND EXTRACT(DAY FROM month_start) = 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE CASE WHEN month_start <= date_key AND EXTRACT(DAY FROM month_start) = 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  CASE
    WHEN month_start <= date_key AND EXTRACT(DAY FROM month_start) = 1
    THEN 1
    ELSE 0
  END = 0;

-- check unique(date_key) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT date_key, COUNT(*) AS occurrences FROM dwh.dim_date WHERE NOT date_key IS NULL GROUP BY date_key HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    date_key,
    COUNT(*) AS occurrences
  FROM dwh.dim_date
  WHERE
    NOT date_key IS NULL
  GROUP BY
    date_key
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  date_key IS NULL;

-- check accepted_values(quarter) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE NOT quarter IS NULL AND NOT quarter IN (1, 2, 3, 4)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  NOT quarter IS NULL AND NOT quarter IN (1, 2, 3, 4);

-- check accepted_values(month_name) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE NOT month_name IS NULL AND NOT month_name IN ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  NOT month_name IS NULL
  AND NOT month_name IN (
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December'
  );

-- check accepted_values(day_of_week) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_date WHERE NOT day_of_week IS NULL AND NOT day_of_week IN (0, 1, 2, 3, 4, 5, 6)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_date
WHERE
  NOT day_of_week IS NULL AND NOT day_of_week IN (0, 1, 2, 3, 4, 5, 6);
