-- step table:orders
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.orders (
  order_id VARCHAR(32) COLLATE "C" NOT NULL,
  customer_id VARCHAR(32) COLLATE "C" NOT NULL,
  order_status VARCHAR(32) COLLATE "C" NOT NULL,
  order_purchase_timestamp TIMESTAMP NOT NULL,
  order_approved_at TIMESTAMP,
  order_delivered_carrier_date TIMESTAMP,
  order_delivered_customer_date TIMESTAMP,
  order_estimated_delivery_date TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (order_id)
);

COMMIT;
