-- step table:dim_account
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account (
  account_sk VARCHAR(65535) NOT NULL,
  region VARCHAR(65535) NOT NULL,
  account_no INTEGER NOT NULL,
  plan VARCHAR(65535),
  owner VARCHAR(65535),
  changed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no, valid_from)
);

COMMIT;
