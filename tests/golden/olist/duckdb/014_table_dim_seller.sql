-- step table:dim_seller
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_seller (
  seller_sk TEXT NOT NULL,
  seller_id TEXT NOT NULL,
  zip_code_prefix TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  lat DOUBLE,
  lng DOUBLE,
  _build_seq BIGINT
);

COMMIT;
