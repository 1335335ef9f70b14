-- step table:mart_category_monthly
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_category_monthly (
  category_name VARCHAR(65535) NOT NULL,
  year_month VARCHAR(65535) NOT NULL,
  month_start DATE NOT NULL,
  orders INTEGER NOT NULL,
  items INTEGER NOT NULL,
  revenue DECIMAL(14, 2) NOT NULL,
  freight DECIMAL(14, 2) NOT NULL,
  reviewed_orders INTEGER NOT NULL,
  avg_review_score DECIMAL(4, 2),
  _build_seq BIGINT,
  PRIMARY KEY (year_month, category_name)
)
DISTSTYLE ALL
COMPOUND SORTKEY(year_month, category_name);

COMMIT;
