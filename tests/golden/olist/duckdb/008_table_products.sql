-- step table:products
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.products (
  product_id TEXT NOT NULL,
  product_category_name TEXT,
  product_name_lenght INT,
  product_description_lenght INT,
  product_photos_qty INT,
  product_weight_g INT,
  product_length_cm INT,
  product_height_cm INT,
  product_width_cm INT,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
