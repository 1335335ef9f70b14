-- step table:dim_customer
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_customer (
  customer_sk TEXT NOT NULL,
  customer_unique_id TEXT NOT NULL,
  zip_code_prefix TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  lat DOUBLE,
  lng DOUBLE,
  observed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT
);

COMMIT;
