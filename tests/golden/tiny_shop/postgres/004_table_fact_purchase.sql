-- step table:fact_purchase
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_purchase (
  purchase_id VARCHAR COLLATE "C" NOT NULL,
  member_sk VARCHAR COLLATE "C",
  amount DECIMAL(10, 2) NOT NULL,
  purchased_at TIMESTAMP NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (purchase_id)
);

COMMIT;
