-- step table:order_payments
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_payments (
  order_id VARCHAR(128) NOT NULL,
  payment_sequential INTEGER NOT NULL,
  payment_type VARCHAR(128) NOT NULL,
  payment_installments INTEGER NOT NULL,
  payment_value DECIMAL(12, 2) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (order_id, payment_sequential)
);

COMMIT;
