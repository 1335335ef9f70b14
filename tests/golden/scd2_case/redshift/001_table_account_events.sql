-- step table:account_events
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.account_events (
  region VARCHAR(65535) NOT NULL,
  account_no INTEGER NOT NULL,
  plan VARCHAR(65535),
  owner VARCHAR(65535),
  changed_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (region, account_no, changed_at)
);

COMMIT;
