-- step table:account_events
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.account_events (
  region TEXT NOT NULL,
  account_no INT NOT NULL,
  plan TEXT,
  owner TEXT,
  changed_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
