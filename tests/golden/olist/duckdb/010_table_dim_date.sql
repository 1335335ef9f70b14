-- step table:dim_date
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_date (
  date_key DATE NOT NULL,
  year INT NOT NULL,
  quarter INT NOT NULL,
  month INT NOT NULL,
  month_name TEXT NOT NULL,
  day INT NOT NULL,
  day_of_week INT NOT NULL,
  day_name TEXT NOT NULL,
  day_of_year INT NOT NULL,
  iso_week INT NOT NULL,
  is_weekend BOOLEAN NOT NULL,
  year_month TEXT NOT NULL,
  month_start DATE NOT NULL,
  _build_seq BIGINT
);

COMMIT;
