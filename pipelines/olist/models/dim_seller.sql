-- dim_seller: SCD1 seller dimension with the mean coordinates of the seller's zip prefix.
SELECT
    s.seller_id,
    s.seller_zip_code_prefix AS zip_code_prefix,
    s.seller_city AS city,
    s.seller_state AS state,
    g.lat,
    g.lng
FROM sellers s
LEFT JOIN dim_zip_prefix g
  ON g.zip_code_prefix = s.seller_zip_code_prefix
