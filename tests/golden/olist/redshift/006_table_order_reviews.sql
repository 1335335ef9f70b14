-- step table:order_reviews
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_reviews (
  review_id VARCHAR(128) NOT NULL,
  order_id VARCHAR(128) NOT NULL,
  review_score INTEGER NOT NULL,
  review_comment_title VARCHAR(1024),
  review_comment_message VARCHAR(4096),
  review_creation_date TIMESTAMP NOT NULL,
  review_answer_timestamp TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR(65535) NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (review_id, order_id)
);

COMMIT;
