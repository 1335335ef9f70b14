-- step table:dim_seller
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_seller (
  seller_sk VARCHAR(65535) NOT NULL,
  seller_id VARCHAR(65535) NOT NULL,
  zip_code_prefix VARCHAR(65535) NOT NULL,
  city VARCHAR(65535) NOT NULL,
  state VARCHAR(65535) NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  _build_seq BIGINT,
  PRIMARY KEY (seller_id)
)
DISTSTYLE ALL
COMPOUND SORTKEY(seller_id);

COMMIT;
