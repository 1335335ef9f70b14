-- step table:category_translation
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.category_translation (
  product_category_name TEXT NOT NULL,
  product_category_name_english TEXT NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
