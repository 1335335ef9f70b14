-- step table:mart_plans
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_plans (
  plan TEXT NOT NULL,
  accounts BIGINT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
