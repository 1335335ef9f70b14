-- step table:fact_reviews
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_reviews (
  review_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  customer_sk TEXT NOT NULL,
  date_key DATE NOT NULL,
  purchase_date DATE NOT NULL,
  review_score INT NOT NULL,
  comment_title TEXT,
  comment_message TEXT,
  has_comment BOOLEAN NOT NULL,
  created_ts TIMESTAMP NOT NULL,
  answered_ts TIMESTAMP NOT NULL,
  answer_days INT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
