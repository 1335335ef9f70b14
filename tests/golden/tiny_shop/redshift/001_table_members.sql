-- step table:members
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.members (
  member_id BIGINT NOT NULL,
  email VARCHAR(65535),
  tier VARCHAR(65535),
  city VARCHAR(65535),
  updated_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (member_id)
);

COMMIT;
