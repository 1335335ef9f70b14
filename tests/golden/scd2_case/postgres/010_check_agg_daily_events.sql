-- step check:agg_daily_events
-- after: build:agg_daily_events

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        event_date,
        COUNT(*) AS occurrences
      FROM mart.agg_daily_events
      WHERE
        NOT event_date IS NULL
      GROUP BY
        event_date
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0;

-- check unique(event_date) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT event_date, COUNT(*) AS occurrences FROM mart.agg_daily_events WHERE NOT event_date IS NULL GROUP BY event_date HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    event_date,
    COUNT(*) AS occurrences
  FROM mart.agg_daily_events
  WHERE
    NOT event_date IS NULL
  GROUP BY
    event_date
  HAVING
    COUNT(*) > 1
) AS __f;
