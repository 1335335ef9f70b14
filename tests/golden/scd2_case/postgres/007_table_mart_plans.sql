-- step table:mart_plans
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_plans (
  plan VARCHAR COLLATE "C" NOT NULL,
  accounts BIGINT NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (plan)
);

COMMIT;
