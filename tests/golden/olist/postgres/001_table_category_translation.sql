-- step table:category_translation
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.category_translation (
  product_category_name VARCHAR(64) COLLATE "C" NOT NULL,
  product_category_name_english VARCHAR(64) COLLATE "C" NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (product_category_name)
);

COMMIT;
