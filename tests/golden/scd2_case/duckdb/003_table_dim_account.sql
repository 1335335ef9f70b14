-- step table:dim_account
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account (
  account_sk TEXT NOT NULL,
  region TEXT NOT NULL,
  account_no INT NOT NULL,
  plan TEXT,
  owner TEXT,
  changed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT
);

COMMIT;
