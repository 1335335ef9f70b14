-- step table:customers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.customers (
  customer_id TEXT NOT NULL,
  customer_unique_id TEXT NOT NULL,
  customer_zip_code_prefix TEXT NOT NULL,
  customer_city TEXT NOT NULL,
  customer_state TEXT NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
