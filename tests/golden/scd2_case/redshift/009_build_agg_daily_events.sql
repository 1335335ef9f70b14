-- step build:agg_daily_events
-- after: table:agg_daily_events, load:account_events
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_agg_daily_events;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_agg_daily_events AS
SELECT
  __q.event_date,
  __q.events,
  CAST(%(build_seq)s AS BIGINT) AS _build_seq
FROM (
  SELECT
    CAST(account_events.changed_at AS DATE) AS event_date,
    COUNT(*) AS events
  FROM staging.account_events AS account_events
  WHERE
    account_events._batch_date = (
      SELECT
        MAX(account_events._batch_date) AS _col_0
      FROM staging.account_events AS account_events
    )
  GROUP BY
    CAST(account_events.changed_at AS DATE)
) AS __q;

-- delete the time values the batch covers
DELETE FROM mart.agg_daily_events USING   (
    SELECT DISTINCT
      event_date
    FROM __src_agg_daily_events
  ) AS __range
WHERE
  agg_daily_events.event_date = __range.event_date;

-- insert the batch's rows
INSERT INTO mart.agg_daily_events (
  event_date,
  events,
  _build_seq
)
SELECT
  event_date,
  events,
  _build_seq
FROM __src_agg_daily_events;

-- drop the staging table
DROP TABLE IF EXISTS __src_agg_daily_events;

COMMIT;
