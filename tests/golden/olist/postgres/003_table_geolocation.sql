-- step table:geolocation
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.geolocation (
  geolocation_zip_code_prefix VARCHAR(10) COLLATE "C" NOT NULL,
  geolocation_lat DOUBLE PRECISION NOT NULL,
  geolocation_lng DOUBLE PRECISION NOT NULL,
  geolocation_city VARCHAR(64) COLLATE "C" NOT NULL,
  geolocation_state VARCHAR(2) COLLATE "C" NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
