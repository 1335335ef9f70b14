-- step table:dim_account_latest
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account_latest (
  account_key VARCHAR(65535) NOT NULL,
  region VARCHAR(65535) NOT NULL,
  account_no INTEGER NOT NULL,
  plan VARCHAR(65535),
  owner VARCHAR(65535),
  changed_at TIMESTAMP NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no)
);

COMMIT;
