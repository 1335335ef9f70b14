-- step table:members
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.members (
  member_id BIGINT NOT NULL,
  email TEXT,
  tier TEXT,
  city TEXT,
  updated_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
