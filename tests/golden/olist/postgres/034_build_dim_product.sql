-- step build:dim_product
-- after: table:dim_product, load:products, load:category_translation
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_product;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_product AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.product_id AS VARCHAR)) AS VARCHAR) || ':' || CAST(__q.product_id AS VARCHAR),
      '~'
    )
  ) AS product_sk,
  __q.product_id,
  __q.category_name,
  __q.category_name_pt,
  __q.category_name_source,
  __q.name_length,
  __q.description_length,
  __q.photos_qty,
  __q.weight_g,
  __q.length_cm,
  __q.height_cm,
  __q.width_cm,
  __q.volume_cm3
FROM (
  SELECT
    p.product_id AS product_id,
    COALESCE(t.product_category_name_english, p.product_category_name, 'unknown') AS category_name,
    p.product_category_name AS category_name_pt,
    CASE
      WHEN NOT t.product_category_name_english IS NULL
      THEN 'translation'
      WHEN NOT p.product_category_name IS NULL
      THEN 'portuguese'
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
  FROM staging.products AS p
  LEFT JOIN staging.category_translation AS t
    ON t.product_category_name = p.product_category_name
) AS __q;

-- guard: must return 0, else fail with: the SELECT of 'dim_product' returned several rows for one key (product_id)
SELECT
  COUNT(*)
FROM (
  SELECT
    product_id
  FROM __src_dim_product
  GROUP BY
    product_id
  HAVING
    COUNT(*) > 1
) AS __dupes;

-- merge by key
MERGE INTO dwh.dim_product
USING __src_dim_product
ON dim_product.product_id = __src_dim_product.product_id
WHEN MATCHED THEN UPDATE SET
  product_sk = __src_dim_product.product_sk,
  category_name = __src_dim_product.category_name,
  category_name_pt = __src_dim_product.category_name_pt,
  category_name_source = __src_dim_product.category_name_source,
  name_length = __src_dim_product.name_length,
  description_length = __src_dim_product.description_length,
  photos_qty = __src_dim_product.photos_qty,
  weight_g = __src_dim_product.weight_g,
  length_cm = __src_dim_product.length_cm,
  height_cm = __src_dim_product.height_cm,
  width_cm = __src_dim_product.width_cm,
  volume_cm3 = __src_dim_product.volume_cm3
WHEN NOT MATCHED THEN INSERT (
  product_sk,
  product_id,
  category_name,
  category_name_pt,
  category_name_source,
  name_length,
  description_length,
  photos_qty,
  weight_g,
  length_cm,
  height_cm,
  width_cm,
  volume_cm3
) VALUES (
  __src_dim_product.product_sk,
  __src_dim_product.product_id,
  __src_dim_product.category_name,
  __src_dim_product.category_name_pt,
  __src_dim_product.category_name_source,
  __src_dim_product.name_length,
  __src_dim_product.description_length,
  __src_dim_product.photos_qty,
  __src_dim_product.weight_g,
  __src_dim_product.length_cm,
  __src_dim_product.height_cm,
  __src_dim_product.width_cm,
  __src_dim_product.volume_cm3
);

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_product;

COMMIT;
