-- dim_seller: SCD1 seller dimension with the mean coordinates of the seller's zip prefix.
WITH geo_points AS (
    -- distinct points only (the feed repeats rows); drop the few points outside Brazil
    SELECT DISTINCT
        geolocation_zip_code_prefix,
        geolocation_lat,
        geolocation_lng
    FROM geolocation
    WHERE geolocation_lat BETWEEN -34.0 AND 5.5
      AND geolocation_lng BETWEEN -74.0 AND -34.5
),
zip_geo AS (
    SELECT
        geolocation_zip_code_prefix AS zip_code_prefix,
        ROUND(AVG(geolocation_lat), 6) AS lat,
        ROUND(AVG(geolocation_lng), 6) AS lng
    FROM geo_points
    GROUP BY geolocation_zip_code_prefix
)
SELECT
    s.seller_id,
    s.seller_zip_code_prefix AS zip_code_prefix,
    s.seller_city AS city,
    s.seller_state AS state,
    g.lat,
    g.lng
FROM sellers s
LEFT JOIN zip_geo g
  ON g.zip_code_prefix = s.seller_zip_code_prefix
