-- step table:fact_payments
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_payments (
  order_id VARCHAR COLLATE "C" NOT NULL,
  payment_sequential INT NOT NULL,
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  date_key DATE NOT NULL,
  payment_type VARCHAR COLLATE "C" NOT NULL,
  payment_installments INT NOT NULL,
  payment_value DECIMAL(12, 2) NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (order_id, payment_sequential)
);

COMMIT;
