-- step table:fact_orders
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_orders (
  order_id VARCHAR COLLATE "C" NOT NULL,
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  customer_unique_id VARCHAR COLLATE "C" NOT NULL,
  customer_state VARCHAR COLLATE "C" NOT NULL,
  date_key DATE NOT NULL,
  order_status VARCHAR COLLATE "C" NOT NULL,
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
  main_payment_type VARCHAR COLLATE "C",
  max_installments INT,
  review_score INT,
  delivery_days INT,
  is_late BOOLEAN,
  _build_seq BIGINT,
  PRIMARY KEY (order_id)
);

COMMIT;
