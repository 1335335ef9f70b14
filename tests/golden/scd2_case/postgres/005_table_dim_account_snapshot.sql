-- step table:dim_account_snapshot
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_account_snapshot (
  account_sk VARCHAR COLLATE "C" NOT NULL,
  region VARCHAR COLLATE "C" NOT NULL,
  account_no INT NOT NULL,
  plan VARCHAR COLLATE "C",
  owner VARCHAR COLLATE "C",
  changed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no, valid_from)
);

COMMIT;
