-- step table:order_reviews
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_reviews (
  review_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  review_score INT NOT NULL,
  review_comment_title TEXT,
  review_comment_message TEXT,
  review_creation_date TIMESTAMP NOT NULL,
  review_answer_timestamp TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file TEXT NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT
);

COMMIT;
