-- step table:mart_customer_profile
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_customer_profile (
  customer_unique_id TEXT NOT NULL,
  customer_sk TEXT NOT NULL,
  zip_code_prefix TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  lat DOUBLE,
  lng DOUBLE,
  first_order_ts TIMESTAMP NOT NULL,
  last_order_ts TIMESTAMP NOT NULL,
  orders_count INT NOT NULL,
  delivered_orders INT NOT NULL,
  canceled_orders INT NOT NULL,
  items_count INT NOT NULL,
  total_spent DECIMAL(14, 2) NOT NULL,
  reviewed_orders INT NOT NULL,
  avg_review_score DECIMAL(4, 2),
  favourite_category TEXT,
  preferred_payment_type TEXT,
  _build_seq BIGINT
);

COMMIT;
