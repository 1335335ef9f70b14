-- dim_zip_prefix: the mean coordinates of each zip-code prefix, computed once per geolocation
-- delivery (a snapshot of about a million points) rather than in every build that needs them:
-- dim_customer and dim_seller join this small table, so a day's batch does not aggregate the
-- whole geolocation feed again.
WITH geo_points AS (
    -- distinct points only (the feed repeats rows); drop the few points outside Brazil
    SELECT DISTINCT
        geolocation_zip_code_prefix,
        geolocation_lat,
        geolocation_lng
    FROM geolocation
    WHERE geolocation_lat BETWEEN -34.0 AND 5.5
      AND geolocation_lng BETWEEN -74.0 AND -34.5
)
SELECT
    geolocation_zip_code_prefix AS zip_code_prefix,
    ROUND(AVG(geolocation_lat), 6) AS lat,
    ROUND(AVG(geolocation_lng), 6) AS lng,
    CAST(COUNT(*) AS INTEGER) AS points
FROM geo_points
GROUP BY geolocation_zip_code_prefix
