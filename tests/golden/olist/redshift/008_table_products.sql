-- step table:products
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.products (
  product_id VARCHAR(128) NOT NULL,
  product_category_name VARCHAR(256),
  product_name_lenght INTEGER,
  product_description_lenght INTEGER,
  product_photos_qty INTEGER,
  product_weight_g INTEGER,
  product_length_cm INTEGER,
  product_height_cm INTEGER,
  product_width_cm INTEGER,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (product_id)
);

COMMIT;
