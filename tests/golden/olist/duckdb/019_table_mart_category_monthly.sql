-- step table:mart_category_monthly
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_category_monthly (
  category_name TEXT NOT NULL,
  year_month TEXT NOT NULL,
  month_start DATE NOT NULL,
  orders INT NOT NULL,
  items INT NOT NULL,
  revenue DECIMAL(14, 2) NOT NULL,
  freight DECIMAL(14, 2) NOT NULL,
  reviewed_orders INT NOT NULL,
  avg_review_score DECIMAL(4, 2),
  _build_seq BIGINT
);

COMMIT;
