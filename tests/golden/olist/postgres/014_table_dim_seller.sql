-- step table:dim_seller
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_seller (
  seller_sk VARCHAR COLLATE "C" NOT NULL,
  seller_id VARCHAR COLLATE "C" NOT NULL,
  zip_code_prefix VARCHAR COLLATE "C" NOT NULL,
  city VARCHAR COLLATE "C" NOT NULL,
  state VARCHAR COLLATE "C" NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  _build_seq BIGINT,
  PRIMARY KEY (seller_id)
);

COMMIT;
