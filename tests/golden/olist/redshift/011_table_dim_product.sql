-- step table:dim_product
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_product (
  product_sk VARCHAR(65535) NOT NULL,
  product_id VARCHAR(65535) NOT NULL,
  category_name VARCHAR(65535) NOT NULL,
  category_name_pt VARCHAR(65535),
  category_name_source VARCHAR(65535) NOT NULL,
  name_length INTEGER,
  description_length INTEGER,
  photos_qty INTEGER,
  weight_g INTEGER,
  length_cm INTEGER,
  height_cm INTEGER,
  width_cm INTEGER,
  volume_cm3 INTEGER,
  _build_seq BIGINT,
  PRIMARY KEY (product_id)
)
DISTSTYLE ALL
COMPOUND SORTKEY(product_id);

COMMIT;
