-- step table:dim_customer
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_customer (
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  customer_unique_id VARCHAR COLLATE "C" NOT NULL,
  zip_code_prefix VARCHAR COLLATE "C" NOT NULL,
  city VARCHAR COLLATE "C" NOT NULL,
  state VARCHAR COLLATE "C" NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  observed_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (customer_unique_id, valid_from)
);

COMMIT;
