-- step table:purchases
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.purchases (
  purchase_id VARCHAR COLLATE "C" NOT NULL,
  member_id BIGINT NOT NULL,
  amount DECIMAL(10, 2) NOT NULL,
  purchased_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (purchase_id)
);

COMMIT;
