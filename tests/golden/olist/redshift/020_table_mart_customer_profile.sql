-- step table:mart_customer_profile
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_customer_profile (
  customer_unique_id VARCHAR(65535) NOT NULL,
  customer_sk VARCHAR(65535) NOT NULL,
  zip_code_prefix VARCHAR(65535) NOT NULL,
  city VARCHAR(65535) NOT NULL,
  state VARCHAR(65535) NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  first_order_ts TIMESTAMP NOT NULL,
  last_order_ts TIMESTAMP NOT NULL,
  orders_count INTEGER NOT NULL,
  delivered_orders INTEGER NOT NULL,
  canceled_orders INTEGER NOT NULL,
  items_count INTEGER NOT NULL,
  total_spent DECIMAL(14, 2) NOT NULL,
  reviewed_orders INTEGER NOT NULL,
  avg_review_score DECIMAL(4, 2),
  favourite_category VARCHAR(65535),
  preferred_payment_type VARCHAR(65535),
  _build_seq BIGINT,
  PRIMARY KEY (customer_unique_id)
)
DISTSTYLE KEY
DISTKEY(customer_unique_id)
COMPOUND SORTKEY(customer_unique_id);

COMMIT;
