-- step table:fact_order_items
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_order_items (
  order_id TEXT NOT NULL,
  order_item_id INT NOT NULL,
  customer_sk TEXT NOT NULL,
  product_sk TEXT NOT NULL,
  category_name TEXT NOT NULL,
  seller_sk TEXT NOT NULL,
  date_key DATE NOT NULL,
  purchase_ts TIMESTAMP NOT NULL,
  shipping_limit_ts TIMESTAMP NOT NULL,
  price DECIMAL(12, 2) NOT NULL,
  freight_value DECIMAL(12, 2) NOT NULL,
  item_total DECIMAL(12, 2) NOT NULL,
  _build_seq BIGINT
);

COMMIT;
