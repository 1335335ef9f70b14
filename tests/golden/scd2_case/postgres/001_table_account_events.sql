-- step table:account_events
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.account_events (
  region VARCHAR COLLATE "C" NOT NULL,
  account_no INT NOT NULL,
  plan VARCHAR COLLATE "C",
  owner VARCHAR COLLATE "C",
  changed_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (region, account_no, changed_at)
);

COMMIT;
