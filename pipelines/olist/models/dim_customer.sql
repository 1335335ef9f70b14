-- dim_customer: SCD2 observations of each person's delivery address.
-- One observation per order: the address given on the order, observed at its purchase time.
-- The framework orders observations by observed_at per customer_unique_id and opens a new
-- version only when zip_code_prefix, city or state change.
WITH observations AS (
    -- identical observations (same person, address and instant) collapse to one
    SELECT DISTINCT
        c.customer_unique_id,
        c.customer_zip_code_prefix AS zip_code_prefix,
        c.customer_city AS city,
        c.customer_state AS state,
        o.order_purchase_timestamp AS observed_at
    FROM orders o
    JOIN customers c
      ON c.customer_id = o.customer_id
)
SELECT
    ob.customer_unique_id,
    ob.zip_code_prefix,
    ob.city,
    ob.state,
    g.lat,
    g.lng,
    ob.observed_at
FROM observations ob
LEFT JOIN dim_zip_prefix g
  ON g.zip_code_prefix = ob.zip_code_prefix
