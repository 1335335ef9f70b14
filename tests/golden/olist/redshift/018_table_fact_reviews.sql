-- step table:fact_reviews
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_reviews (
  review_id VARCHAR(65535) NOT NULL,
  order_id VARCHAR(65535) NOT NULL,
  customer_sk VARCHAR(65535) NOT NULL,
  date_key DATE NOT NULL,
  purchase_date DATE NOT NULL,
  review_score INTEGER NOT NULL,
  comment_title VARCHAR(65535),
  comment_message VARCHAR(65535),
  has_comment BOOLEAN NOT NULL,
  created_ts TIMESTAMP NOT NULL,
  answered_ts TIMESTAMP NOT NULL,
  answer_days INTEGER NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (review_id, order_id)
)
DISTSTYLE KEY
DISTKEY(order_id)
COMPOUND SORTKEY(date_key);

COMMIT;
