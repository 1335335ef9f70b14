-- dim_product: SCD1 product dimension with the English category name.
-- category_name = English translation, else the Portuguese name (2 categories have no
-- translation), else 'unknown' (products without a category).
SELECT
    p.product_id,
    COALESCE(t.product_category_name_english, p.product_category_name, 'unknown') AS category_name,
    p.product_category_name AS category_name_pt,
    CASE
        WHEN t.product_category_name_english IS NOT NULL THEN 'translation'
        WHEN p.product_category_name IS NOT NULL THEN 'portuguese'
        ELSE 'unknown'
    END AS category_name_source,
    p.product_name_lenght AS name_length,
    p.product_description_lenght AS description_length,
    p.product_photos_qty AS photos_qty,
    p.product_weight_g AS weight_g,
    p.product_length_cm AS length_cm,
    p.product_height_cm AS height_cm,
    p.product_width_cm AS width_cm,
    p.product_length_cm * p.product_height_cm * p.product_width_cm AS volume_cm3
FROM products p
LEFT JOIN category_translation t
  ON t.product_category_name = p.product_category_name
