-- step table:fact_usage
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_usage (
  region TEXT NOT NULL,
  account_no INT NOT NULL,
  usage_date DATE NOT NULL,
  account_sk TEXT,
  events BIGINT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
