-- step table:dim_account_latest
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account_latest (
  account_key VARCHAR COLLATE "C" NOT NULL,
  region VARCHAR COLLATE "C" NOT NULL,
  account_no INT NOT NULL,
  plan VARCHAR COLLATE "C",
  owner VARCHAR COLLATE "C",
  changed_at TIMESTAMP NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no)
);

COMMIT;
