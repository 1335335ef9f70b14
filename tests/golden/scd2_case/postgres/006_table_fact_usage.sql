-- step table:fact_usage
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_usage (
  region VARCHAR COLLATE "C" NOT NULL,
  account_no INT NOT NULL,
  usage_date DATE NOT NULL,
  account_sk VARCHAR COLLATE "C",
  events BIGINT NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (region, account_no, usage_date)
);

COMMIT;
