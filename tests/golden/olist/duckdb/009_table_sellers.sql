-- step table:sellers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.sellers (
  seller_id TEXT NOT NULL,
  seller_zip_code_prefix TEXT NOT NULL,
  seller_city TEXT NOT NULL,
  seller_state TEXT NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
