-- step table:sellers
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.sellers (
  seller_id VARCHAR(32) COLLATE "C" NOT NULL,
  seller_zip_code_prefix VARCHAR(10) COLLATE "C" NOT NULL,
  seller_city VARCHAR(64) COLLATE "C" NOT NULL,
  seller_state VARCHAR(2) COLLATE "C" NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (seller_id)
);

COMMIT;
