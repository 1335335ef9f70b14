-- step table:products
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.products (
  product_id VARCHAR(32) COLLATE "C" NOT NULL,
  product_category_name VARCHAR(64) COLLATE "C",
  product_name_lenght INT,
  product_description_lenght INT,
  product_photos_qty INT,
  product_weight_g INT,
  product_length_cm INT,
  product_height_cm INT,
  product_width_cm INT,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (product_id)
);

COMMIT;
