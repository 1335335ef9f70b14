-- step table:fact_payments
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_payments (
  order_id VARCHAR(65535) NOT NULL,
  payment_sequential INTEGER NOT NULL,
  customer_sk VARCHAR(65535) NOT NULL,
  date_key DATE NOT NULL,
  payment_type VARCHAR(65535) NOT NULL,
  payment_installments INTEGER NOT NULL,
  payment_value DECIMAL(12, 2) NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (order_id, payment_sequential)
)
DISTSTYLE KEY
DISTKEY(order_id)
COMPOUND SORTKEY(date_key);

COMMIT;
