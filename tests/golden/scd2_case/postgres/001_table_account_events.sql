-- step table:account_events
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.account_events (
  region VARCHAR NOT NULL,
  account_no INT NOT NULL,
  plan VARCHAR,
  owner VARCHAR,
  changed_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (region, account_no, changed_at)
);

COMMIT;
