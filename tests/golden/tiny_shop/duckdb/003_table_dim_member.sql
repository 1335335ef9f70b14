-- step table:dim_member
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_member (
  member_sk TEXT NOT NULL,
  member_id BIGINT NOT NULL,
  tier TEXT,
  city TEXT,
  updated_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT
);

COMMIT;
