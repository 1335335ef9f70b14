-- step table:dim_zip_prefix
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_zip_prefix (
  zip_code_prefix VARCHAR COLLATE "C" NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lng DOUBLE PRECISION NOT NULL,
  points INT NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (zip_code_prefix)
);

COMMIT;
