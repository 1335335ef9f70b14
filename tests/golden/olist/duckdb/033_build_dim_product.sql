-- step build:dim_product
-- after: table:dim_product, load:products, load:category_translation
-- run-time parameters: build_seq
BEGIN;

-- drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_product;

-- stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_product AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.product_id AS TEXT)) AS TEXT) || ':' || CAST(__q.product_id AS TEXT),
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
  __q.volume_cm3,
  CAST($build_seq AS BIGINT) AS _build_seq
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

-- guard: must return 0 or no rows, else fail with: the SELECT of 'dim_product' returned several rows for one key (product_id)
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

-- delete the rows it recomputes
DELETE FROM dwh.dim_product;

-- insert the new rows
INSERT INTO dwh.dim_product (
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
  volume_cm3,
  _build_seq
)
SELECT
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
  volume_cm3,
  _build_seq
FROM __src_dim_product;

-- drop the staging table
DROP TABLE IF EXISTS __src_dim_product;

-- when its inputs' changes are known (a scoped build): drop a leftover table of key-path values
DROP TABLE IF EXISTS __hop_dim_product_1;

-- when its inputs' changes are known (a scoped build): the values a hop of a key path reads its input with
CREATE TEMPORARY TABLE __hop_dim_product_1 AS
SELECT
  __v
FROM (
  SELECT
    product_category_name AS __v
  FROM staging.category_translation
  WHERE
    _load_seq > $since_category_translation
) AS __h;

-- when its inputs' changes are known (a scoped build): drop a leftover affected-keys table
DROP TABLE IF EXISTS __affected_dim_product;

-- when its inputs' changes are known (a scoped build): the keys its inputs' changes since its last build affect
CREATE TEMPORARY TABLE __affected_dim_product AS
SELECT DISTINCT
  __k
FROM (
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      product_id AS __v
    FROM staging.products
    WHERE
      _load_seq > $since_products
  ) AS __p
  UNION
  SELECT
    CAST(__v AS TEXT) AS __k
  FROM (
    SELECT
      product_id AS __v
    FROM staging.products
    WHERE
      product_category_name IN (
        SELECT
          __v
        FROM __hop_dim_product_1
      )
  ) AS __p
) AS __u
WHERE
  NOT __k IS NULL;

-- when its inputs' changes are known (a scoped build): drop the key-path values
DROP TABLE IF EXISTS __hop_dim_product_1;

-- when its inputs' changes are known (a scoped build): report: keys affected
SELECT
  COUNT(*) AS keys_affected
FROM __affected_dim_product;

-- when its inputs' changes are known (a scoped build): drop a leftover table of rows before the build
DROP TABLE IF EXISTS __prior_dim_product;

-- when its inputs' changes are known (a scoped build): the rows it may rewrite, before the build
CREATE TEMPORARY TABLE __prior_dim_product AS
SELECT
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
FROM dwh.dim_product
WHERE
  product_id IN (
    SELECT
      __k
    FROM __affected_dim_product
  );

-- when its inputs' changes are known (a scoped build): drop a leftover staging table
DROP TABLE IF EXISTS __src_dim_product;

-- when its inputs' changes are known (a scoped build): stage the model's SELECT
CREATE TEMPORARY TABLE __src_dim_product AS
SELECT
  MD5(
    COALESCE(
      CAST(LENGTH(CAST(__q.product_id AS TEXT)) AS TEXT) || ':' || CAST(__q.product_id AS TEXT),
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
  __q.volume_cm3,
  CAST($build_seq AS BIGINT) AS _build_seq
FROM (
  SELECT
    __m.product_id,
    __m.category_name,
    __m.category_name_pt,
    __m.category_name_source,
    __m.name_length,
    __m.description_length,
    __m.photos_qty,
    __m.weight_g,
    __m.length_cm,
    __m.height_cm,
    __m.width_cm,
    __m.volume_cm3
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
    WHERE
      p.product_id IN (
        SELECT
          __k
        FROM __affected_dim_product
      )
  ) AS __m
  WHERE
    __m.product_id IN (
      SELECT
        __k
      FROM __affected_dim_product
    )
) AS __q;

-- when its inputs' changes are known (a scoped build): guard: must return 0 or no rows, else fail with: the SELECT of 'dim_product' returned several rows for one key (product_id)
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

-- when its inputs' changes are known (a scoped build): delete the rows it recomputes
DELETE FROM dwh.dim_product
WHERE
  product_id IN (
    SELECT
      __k
    FROM __affected_dim_product
  );

-- when its inputs' changes are known (a scoped build): insert the new rows
INSERT INTO dwh.dim_product (
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
  volume_cm3,
  _build_seq
)
SELECT
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
  volume_cm3,
  _build_seq
FROM __src_dim_product;

-- when its inputs' changes are known (a scoped build): drop a leftover table of changed rows
DROP TABLE IF EXISTS __changed_dim_product;

-- when its inputs' changes are known (a scoped build): the rows the build changed, before and after
CREATE TEMPORARY TABLE __changed_dim_product AS
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
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
    FROM __prior_dim_product
    EXCEPT
    SELECT
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
    FROM __src_dim_product
  ) AS __gone
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
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
    FROM __src_dim_product
    EXCEPT
    SELECT
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
    FROM __prior_dim_product
  ) AS __new
) AS __d;

-- when its inputs' changes are known (a scoped build): report: keys whose rows changed
SELECT
  COUNT(DISTINCT product_id) AS keys_changed
FROM __changed_dim_product;

-- when its inputs' changes are known (a scoped build): report: keys it had before and has no row of after
SELECT
  COUNT(*) AS keys_lost
FROM (
  SELECT
    product_id
  FROM __prior_dim_product
  EXCEPT
  SELECT
    product_id
  FROM __src_dim_product
) AS __lost;

-- when its inputs' changes are known (a scoped build): record the keys whose rows this build changed
INSERT INTO elt.model_changes (
  pipeline,
  model,
  build_seq,
  key
)
SELECT DISTINCT
  $pipeline,
  'dim_product',
  $build_seq,
  CAST(product_id AS TEXT)
FROM __changed_dim_product;

-- when its inputs' changes are known (a scoped build): keep the product_sk of the changed rows, before and after
INSERT INTO elt.changed_values (
  pipeline,
  relation,
  seq,
  column_name,
  value
)
SELECT DISTINCT
  $pipeline,
  'dim_product',
  $build_seq,
  'product_sk',
  CAST(product_sk AS TEXT)
FROM __changed_dim_product;

COMMIT;
