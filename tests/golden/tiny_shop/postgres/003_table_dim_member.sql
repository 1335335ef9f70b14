-- step table:dim_member
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_member (
  member_sk VARCHAR COLLATE "C" NOT NULL,
  member_id BIGINT NOT NULL,
  tier VARCHAR COLLATE "C",
  city VARCHAR COLLATE "C",
  updated_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (member_id, valid_from)
);

COMMIT;
