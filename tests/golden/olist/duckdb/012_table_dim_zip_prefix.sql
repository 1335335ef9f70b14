-- step table:dim_zip_prefix
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_zip_prefix (
  zip_code_prefix TEXT NOT NULL,
  lat DOUBLE NOT NULL,
  lng DOUBLE NOT NULL,
  points INT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
