-- step table:fact_orders
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_orders (
  order_id TEXT NOT NULL,
  customer_sk TEXT NOT NULL,
  customer_unique_id TEXT NOT NULL,
  customer_state TEXT NOT NULL,
  date_key DATE NOT NULL,
  order_status TEXT NOT NULL,
  purchase_ts TIMESTAMP NOT NULL,
  approved_ts TIMESTAMP,
  delivered_carrier_ts TIMESTAMP,
  delivered_customer_ts TIMESTAMP,
  estimated_delivery_date DATE NOT NULL,
  items_count INT NOT NULL,
  items_total DECIMAL(14, 2) NOT NULL,
  freight_total DECIMAL(14, 2) NOT NULL,
  order_total DECIMAL(14, 2) NOT NULL,
  payments_count INT NOT NULL,
  payment_total DECIMAL(14, 2) NOT NULL,
  main_payment_type TEXT,
  max_installments INT,
  review_score INT,
  delivery_days INT,
  is_late BOOLEAN,
  _build_seq BIGINT
);

COMMIT;
