-- step table:dim_account_latest
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account_latest (
  account_key VARCHAR NOT NULL,
  region VARCHAR NOT NULL,
  account_no INT NOT NULL,
  plan VARCHAR,
  owner VARCHAR,
  changed_at TIMESTAMP NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no)
);

COMMIT;
