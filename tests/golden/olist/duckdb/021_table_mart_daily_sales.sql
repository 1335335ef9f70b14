-- step table:mart_daily_sales
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS mart.mart_daily_sales (
  date_key DATE NOT NULL,
  year_month TEXT NOT NULL,
  day_of_week INT NOT NULL,
  is_weekend BOOLEAN NOT NULL,
  orders INT NOT NULL,
  delivered_orders INT NOT NULL,
  canceled_orders INT NOT NULL,
  items INT NOT NULL,
  revenue DECIMAL(14, 2) NOT NULL,
  freight DECIMAL(14, 2) NOT NULL,
  payments DECIMAL(14, 2) NOT NULL,
  avg_ticket DECIMAL(14, 2),
  new_customers INT NOT NULL,
  _build_seq BIGINT
);

COMMIT;
