-- step table:members
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.members (
  member_id BIGINT NOT NULL,
  email VARCHAR COLLATE "C",
  tier VARCHAR COLLATE "C",
  city VARCHAR COLLATE "C",
  updated_at TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (member_id)
);

COMMIT;
