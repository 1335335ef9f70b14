-- step table:sellers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.sellers (
  seller_id VARCHAR(128) NOT NULL,
  seller_zip_code_prefix VARCHAR(40) NOT NULL,
  seller_city VARCHAR(256) NOT NULL,
  seller_state VARCHAR(8) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (seller_id)
);

COMMIT;
