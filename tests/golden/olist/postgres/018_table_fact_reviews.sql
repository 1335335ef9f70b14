-- step table:fact_reviews
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.fact_reviews (
  review_id VARCHAR COLLATE "C" NOT NULL,
  order_id VARCHAR COLLATE "C" NOT NULL,
  customer_sk VARCHAR COLLATE "C" NOT NULL,
  date_key DATE NOT NULL,
  purchase_date DATE NOT NULL,
  review_score INT NOT NULL,
  comment_title VARCHAR COLLATE "C",
  comment_message VARCHAR COLLATE "C",
  has_comment BOOLEAN NOT NULL,
  created_ts TIMESTAMP NOT NULL,
  answered_ts TIMESTAMP NOT NULL,
  answer_days INT NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (review_id, order_id)
);

COMMIT;
