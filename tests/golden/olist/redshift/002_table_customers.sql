-- step table:customers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.customers (
  customer_id VARCHAR(128) NOT NULL,
  customer_unique_id VARCHAR(128) NOT NULL,
  customer_zip_code_prefix VARCHAR(40) NOT NULL,
  customer_city VARCHAR(256) NOT NULL,
  customer_state VARCHAR(8) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (customer_id)
);

COMMIT;
