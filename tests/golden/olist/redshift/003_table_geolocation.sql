-- step table:geolocation
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.geolocation (
  geolocation_zip_code_prefix VARCHAR(40) NOT NULL,
  geolocation_lat DOUBLE PRECISION NOT NULL,
  geolocation_lng DOUBLE PRECISION NOT NULL,
  geolocation_city VARCHAR(256) NOT NULL,
  geolocation_state VARCHAR(8) NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
