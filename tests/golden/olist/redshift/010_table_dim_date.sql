-- step table:dim_date
-- after: setup
BEGIN;

-- create the table
CREATE TABLE IF NOT EXISTS dwh.dim_date (
  date_key DATE NOT NULL,
  year INTEGER NOT NULL,
  quarter INTEGER NOT NULL,
  month INTEGER NOT NULL,
  month_name VARCHAR(65535) NOT NULL,
  day INTEGER NOT NULL,
  day_of_week INTEGER NOT NULL,
  day_name VARCHAR(65535) NOT NULL,
  day_of_year INTEGER NOT NULL,
  iso_week INTEGER NOT NULL,
  is_weekend BOOLEAN NOT NULL,
  year_month VARCHAR(65535) NOT NULL,
  month_start DATE NOT NULL,
  _build_seq BIGINT,
  PRIMARY KEY (date_key)
)
DISTSTYLE ALL
COMPOUND SORTKEY(date_key);

COMMIT;
