-- step table:fact_orders
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_orders (
  order_id VARCHAR(65535) NOT NULL,
  customer_sk VARCHAR(65535) NOT NULL,
  customer_unique_id VARCHAR(65535) NOT NULL,
  customer_state VARCHAR(65535) NOT NULL,
  date_key DATE NOT NULL,
  order_status VARCHAR(65535) NOT NULL,
  purchase_ts TIMESTAMP NOT NULL,
  approved_ts TIMESTAMP,
  delivered_carrier_ts TIMESTAMP,
  delivered_customer_ts TIMESTAMP,
  estimated_delivery_date DATE NOT NULL,
  items_count INTEGER NOT NULL,
  items_total DECIMAL(14, 2) NOT NULL,
  freight_total DECIMAL(14, 2) NOT NULL,
  order_total DECIMAL(14, 2) NOT NULL,
  payments_count INTEGER NOT NULL,
  payment_total DECIMAL(14, 2) NOT NULL,
  main_payment_type VARCHAR(65535),
  max_installments INTEGER,
  review_score INTEGER,
  delivery_days INTEGER,
  is_late BOOLEAN,
  _build_seq BIGINT,
  PRIMARY KEY (order_id)
)
DISTSTYLE KEY
DISTKEY(order_id)
COMPOUND SORTKEY(date_key);

COMMIT;
