-- step table:sellers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.sellers (
  seller_id VARCHAR NOT NULL,
  seller_zip_code_prefix VARCHAR NOT NULL,
  seller_city VARCHAR NOT NULL,
  seller_state VARCHAR NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR NOT NULL,
  _source_line BIGINT NOT NULL,
  PRIMARY KEY (seller_id)
);

COMMIT;
