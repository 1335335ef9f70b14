-- step table:dim_account_latest
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account_latest (
  account_key TEXT NOT NULL,
  region TEXT NOT NULL,
  account_no INT NOT NULL,
  plan TEXT,
  owner TEXT,
  changed_at TIMESTAMP NOT NULL,
  _build_seq BIGINT
);

COMMIT;
