-- step table:order_items
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_items (
  order_id VARCHAR(32) COLLATE "C" NOT NULL,
  order_item_id INT NOT NULL,
  product_id VARCHAR(32) COLLATE "C" NOT NULL,
  seller_id VARCHAR(32) COLLATE "C" NOT NULL,
  shipping_limit_date TIMESTAMP NOT NULL,
  price DECIMAL(12, 2) NOT NULL,
  freight_value DECIMAL(12, 2) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (order_id, order_item_id)
);

COMMIT;
