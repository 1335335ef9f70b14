-- step table:fact_order_items
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_order_items (
  order_id VARCHAR COLLATE "C" NOT NULL,
  order_item_id INT NOT NULL,
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  product_sk VARCHAR COLLATE "C" NOT NULL,
  category_name VARCHAR COLLATE "C" NOT NULL,
  seller_sk VARCHAR COLLATE "C" NOT NULL,
  date_key DATE NOT NULL,
  purchase_ts TIMESTAMP NOT NULL,
  shipping_limit_ts TIMESTAMP NOT NULL,
  price DECIMAL(12, 2) NOT NULL,
  freight_value DECIMAL(12, 2) NOT NULL,
  item_total DECIMAL(12, 2) NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (order_id, order_item_id)
);

COMMIT;
