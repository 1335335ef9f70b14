-- step table:customers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.customers (
  customer_id VARCHAR(32) COLLATE "C" NOT NULL,
  customer_unique_id VARCHAR(32) COLLATE "C" NOT NULL,
  customer_zip_code_prefix VARCHAR(10) COLLATE "C" NOT NULL,
  customer_city VARCHAR(64) COLLATE "C" NOT NULL,
  customer_state VARCHAR(2) COLLATE "C" NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (customer_id)
);

COMMIT;
