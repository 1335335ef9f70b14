-- step table:mart_daily_sales
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_daily_sales (
  date_key DATE NOT NULL,
  year_month VARCHAR(65535) NOT NULL,
  day_of_week INTEGER NOT NULL,
  is_weekend BOOLEAN NOT NULL,
  orders INTEGER NOT NULL,
  delivered_orders INTEGER NOT NULL,
  canceled_orders INTEGER NOT NULL,
  items INTEGER NOT NULL,
  revenue DECIMAL(14, 2) NOT NULL,
  freight DECIMAL(14, 2) NOT NULL,
  payments DECIMAL(14, 2) NOT NULL,
  avg_ticket DECIMAL(14, 2),
  new_customers INTEGER NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (date_key)
)
DISTSTYLE ALL
COMPOUND SORTKEY(date_key);

COMMIT;
