-- step table:dim_product
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_product (
  product_sk TEXT NOT NULL,
  product_id TEXT NOT NULL,
  category_name TEXT NOT NULL,
  category_name_pt TEXT,
  category_name_source TEXT NOT NULL,
  name_length INT,
  description_length INT,
  photos_qty INT,
  weight_g INT,
  length_cm INT,
  height_cm INT,
  width_cm INT,
  volume_cm3 INT,
  _build_seq BIGINT
);

COMMIT;
