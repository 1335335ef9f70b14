-- step table:dim_product
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_product (
  product_sk VARCHAR COLLATE "C" NOT NULL,
  product_id VARCHAR COLLATE "C" NOT NULL,
  category_name VARCHAR COLLATE "C" NOT NULL,
  category_name_pt VARCHAR COLLATE "C",
  category_name_source VARCHAR COLLATE "C" NOT NULL,
  name_length INT,
  description_length INT,
  photos_qty INT,
  weight_g INT,
  length_cm INT,
  height_cm INT,
  width_cm INT,
  volume_cm3 INT,
  _build_seq BIGINT,
  PRIMARY KEY (product_id)
);

COMMIT;
