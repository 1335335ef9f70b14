-- step table:dim_seller
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_seller (
  seller_sk VARCHAR NOT NULL,
  seller_id VARCHAR NOT NULL,
  zip_code_prefix VARCHAR NOT NULL,
  city VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  _build_seq BIGINT,
  PRIMARY KEY (seller_id)
);

COMMIT;
