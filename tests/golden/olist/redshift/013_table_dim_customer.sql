-- step table:dim_customer
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_customer (
  customer_sk VARCHAR(65535) NOT NULL,
  customer_unique_id VARCHAR(65535) NOT NULL,
  zip_code_prefix VARCHAR(65535) NOT NULL,
  city VARCHAR(65535) NOT NULL,
  state VARCHAR(65535) NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  observed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (customer_unique_id, valid_from)
)
DISTSTYLE ALL
COMPOUND SORTKEY(customer_unique_id, valid_from);

COMMIT;
