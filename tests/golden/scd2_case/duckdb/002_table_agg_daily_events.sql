-- step table:agg_daily_events
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.agg_daily_events (
  event_date DATE NOT NULL,
  events BIGINT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
