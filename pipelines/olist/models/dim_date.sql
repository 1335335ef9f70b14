-- dim_date: one row per calendar day from the first to the last business date of the data
-- (purchase dates and review dates), built from a 0..99999 numbers CTE so that it runs
-- unchanged on Redshift (no generate_series on compute nodes) and on DuckDB.
WITH digits AS (
    SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
    UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
numbers AS (
    SELECT d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d AS n
    FROM digits d1
    CROSS JOIN digits d2
    CROSS JOIN digits d3
    CROSS JOIN digits d4
    CROSS JOIN digits d5
),
business_dates AS (
    SELECT CAST(order_purchase_timestamp AS DATE) AS business_date FROM orders
    UNION ALL
    SELECT CAST(review_creation_date AS DATE) AS business_date FROM order_reviews
),
bounds AS (
    SELECT MIN(business_date) AS first_date, MAX(business_date) AS last_date
    FROM business_dates
),
calendar AS (
    SELECT CAST(DATEADD(day, nb.n, b.first_date) AS DATE) AS date_key
    FROM numbers nb
    CROSS JOIN bounds b
    WHERE nb.n <= DATEDIFF(day, b.first_date, b.last_date)
),
parts AS (
    SELECT
        date_key,
        CAST(EXTRACT(YEAR FROM date_key) AS INTEGER) AS year,
        CAST(EXTRACT(QUARTER FROM date_key) AS INTEGER) AS quarter,
        CAST(EXTRACT(MONTH FROM date_key) AS INTEGER) AS month,
        CAST(EXTRACT(DAY FROM date_key) AS INTEGER) AS day,
        CAST(EXTRACT(DOW FROM date_key) AS INTEGER) AS day_of_week,
        CAST(EXTRACT(DOY FROM date_key) AS INTEGER) AS day_of_year,
        CAST(EXTRACT(WEEK FROM date_key) AS INTEGER) AS iso_week
    FROM calendar
)
SELECT
    date_key,
    year,
    quarter,
    month,
    CASE month
        WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March'
        WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June'
        WHEN 7 THEN 'July' WHEN 8 THEN 'August' WHEN 9 THEN 'September'
        WHEN 10 THEN 'October' WHEN 11 THEN 'November' ELSE 'December'
    END AS month_name,
    day,
    day_of_week,
    CASE day_of_week
        WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday'
        WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday'
        ELSE 'Saturday'
    END AS day_name,
    day_of_year,
    iso_week,
    CASE WHEN day_of_week IN (0, 6) THEN TRUE ELSE FALSE END AS is_weekend,
    TO_CHAR(date_key, 'YYYY-MM') AS year_month,
    CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start
FROM parts
