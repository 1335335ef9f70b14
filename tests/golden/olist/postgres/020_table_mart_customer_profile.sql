-- step table:mart_customer_profile
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_customer_profile (
  customer_unique_id VARCHAR COLLATE "C" NOT NULL,
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  zip_code_prefix VARCHAR COLLATE "C" NOT NULL,
  city VARCHAR COLLATE "C" NOT NULL,
  state VARCHAR COLLATE "C" NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  first_order_ts TIMESTAMP NOT NULL,
  last_order_ts TIMESTAMP NOT NULL,
  orders_count INT NOT NULL,
  delivered_orders INT NOT NULL,
  canceled_orders INT NOT NULL,
  items_count INT NOT NULL,
  total_spent DECIMAL(14, 2) NOT NULL,
  reviewed_orders INT NOT NULL,
  avg_review_score DECIMAL(4, 2),
  favourite_category VARCHAR COLLATE "C",
  preferred_payment_type VARCHAR COLLATE "C",
  _build_seq BIGINT,
  PRIMARY KEY (customer_unique_id)
);

COMMIT;
