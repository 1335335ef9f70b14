-- step table:dim_member
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_member (
  member_sk VARCHAR(65535) NOT NULL,
  member_id BIGINT NOT NULL,
  tier VARCHAR(65535),
  city VARCHAR(65535),
  updated_at TIMESTAMP NOT NULL,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP NOT NULL,
  is_current BOOLEAN NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (member_id, valid_from)
)
DISTSTYLE KEY
DISTKEY(member_id)
COMPOUND SORTKEY(member_id, valid_from);

COMMIT;
