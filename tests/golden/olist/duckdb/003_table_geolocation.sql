-- step table:geolocation
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.geolocation (
  geolocation_zip_code_prefix TEXT NOT NULL,
  geolocation_lat DOUBLE NOT NULL,
  geolocation_lng DOUBLE NOT NULL,
  geolocation_city TEXT NOT NULL,
  geolocation_state TEXT NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
