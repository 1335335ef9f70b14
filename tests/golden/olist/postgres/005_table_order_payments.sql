-- step table:order_payments
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_payments (
  order_id VARCHAR(32) COLLATE "C" NOT NULL,
  payment_sequential INT NOT NULL,
  payment_type VARCHAR(32) COLLATE "C" NOT NULL,
  payment_installments INT NOT NULL,
  payment_value DECIMAL(12, 2) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (order_id, payment_sequential)
);

COMMIT;
