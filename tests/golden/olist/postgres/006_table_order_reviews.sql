-- step table:order_reviews
-- after: setup
BEGIN;

-- create the staging table
CREATE TABLE IF NOT EXISTS staging.order_reviews (
  review_id VARCHAR(32) COLLATE "C" NOT NULL,
  order_id VARCHAR(32) COLLATE "C" NOT NULL,
  review_score INT NOT NULL,
  review_comment_title VARCHAR(256) COLLATE "C",
  review_comment_message VARCHAR(1024) COLLATE "C",
  review_creation_date TIMESTAMP NOT NULL,
  review_answer_timestamp TIMESTAMP NOT NULL,
  _batch_date DATE NOT NULL,
  _source_file VARCHAR COLLATE "C" NOT NULL,
  _source_line BIGINT NOT NULL,
  _load_seq BIGINT,
  PRIMARY KEY (review_id, order_id)
);

COMMIT;
