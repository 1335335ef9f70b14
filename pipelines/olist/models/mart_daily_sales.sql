-- mart_daily_sales: one row per calendar day from the first to the last purchase date,
-- zero-filled on days without orders. Gross figures: every order status counts.
WITH bounds AS (
    SELECT MIN(date_key) AS first_date, MAX(date_key) AS last_date
    FROM fact_orders
),
orders_by_day AS (
    SELECT
        date_key,
        COUNT(*) AS orders,
        SUM(CASE WHEN order_status = 'delivered' THEN 1 ELSE 0 END) AS delivered_orders,
        SUM(CASE WHEN order_status IN ('canceled', 'unavailable') THEN 1 ELSE 0 END) AS canceled_orders,
        SUM(payment_total) AS payments
    FROM fact_orders
    GROUP BY date_key
),
items_by_day AS (
    SELECT
        date_key,
        COUNT(*) AS items,
        SUM(price) AS revenue,
        SUM(freight_value) AS freight
    FROM fact_order_items
    GROUP BY date_key
),
new_customers_by_day AS (
    -- a person's first order is kept per person by mart_customer_profile: counting its rows
    -- by that day is what aggregating every order by person again would give, at a fraction
    SELECT
        CAST(first_order_ts AS DATE) AS date_key,
        COUNT(*) AS new_customers
    FROM mart_customer_profile
    GROUP BY CAST(first_order_ts AS DATE)
)
SELECT
    d.date_key,
    d.year_month,
    d.day_of_week,
    d.is_weekend,
    CAST(COALESCE(o.orders, 0) AS INTEGER) AS orders,
    CAST(COALESCE(o.delivered_orders, 0) AS INTEGER) AS delivered_orders,
    CAST(COALESCE(o.canceled_orders, 0) AS INTEGER) AS canceled_orders,
    CAST(COALESCE(i.items, 0) AS INTEGER) AS items,
    CAST(COALESCE(i.revenue, 0) AS DECIMAL(14, 2)) AS revenue,
    CAST(COALESCE(i.freight, 0) AS DECIMAL(14, 2)) AS freight,
    CAST(COALESCE(o.payments, 0) AS DECIMAL(14, 2)) AS payments,
    CASE
        WHEN COALESCE(o.orders, 0) = 0 THEN NULL
        -- exact on both engines: DuckDB divides decimals in DOUBLE, so fix 8 decimals
        -- before rounding half-up to cents (Redshift divides in DECIMAL)
        ELSE CAST(ROUND(CAST(CAST(o.payments AS DECIMAL(18, 2)) / o.orders AS DECIMAL(24, 8)), 2) AS DECIMAL(14, 2))
    END AS avg_ticket,
    CAST(COALESCE(n.new_customers, 0) AS INTEGER) AS new_customers
FROM dim_date d
CROSS JOIN bounds b
LEFT JOIN orders_by_day o
  ON o.date_key = d.date_key
LEFT JOIN items_by_day i
  ON i.date_key = d.date_key
LEFT JOIN new_customers_by_day n
  ON n.date_key = d.date_key
WHERE d.date_key BETWEEN b.first_date AND b.last_date
