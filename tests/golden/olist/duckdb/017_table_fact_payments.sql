-- step table:fact_payments
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_payments (
  order_id TEXT NOT NULL,
  payment_sequential INT NOT NULL,
  customer_sk TEXT NOT NULL,
  date_key DATE NOT NULL,
  payment_type TEXT NOT NULL,
  payment_installments INT NOT NULL,
  payment_value DECIMAL(12, 2) NOT NULL,
  _build_seq BIGINT
);

COMMIT;
