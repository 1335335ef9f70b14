-- step check:dim_product
-- after: build:dim_product

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_product
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      CASE WHEN NOT category_name_pt IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      CASE WHEN category_name_source <> 'portuguese' THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      CASE
        WHEN (
          category_name_source = 'unknown'
          AND category_name_pt IS NULL
          AND category_name = 'unknown'
        )
        OR (
          category_name_source = 'portuguese' AND category_name = category_name_pt
        )
        OR (
          category_name_source = 'translation' AND NOT category_name_pt IS NULL
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      CASE WHEN weight_g IS NULL OR weight_g > 0 THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      CASE
        WHEN (
          length_cm IS NULL OR length_cm > 0
        )
        AND (
          height_cm IS NULL OR height_cm > 0
        )
        AND (
          width_cm IS NULL OR width_cm > 0
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        product_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_product
      WHERE
        NOT product_sk IS NULL
      GROUP BY
        product_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      product_sk IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        product_id,
        COUNT(*) AS occurrences
      FROM dwh.dim_product
      WHERE
        NOT product_id IS NULL
      GROUP BY
        product_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      product_id IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      category_name IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      category_name_source IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      NOT category_name_source IS NULL
      AND NOT category_name_source IN ('translation', 'portuguese', 'unknown')
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      weight_g IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_product
    WHERE
      volume_cm3 IS NULL
  ) AS check_14;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_product
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      CASE WHEN NOT category_name_pt IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      CASE WHEN category_name_source <> 'portuguese' THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      CASE
        WHEN (
          category_name_source = 'unknown'
          AND category_name_pt IS NULL
          AND category_name = 'unknown'
        )
        OR (
          category_name_source = 'portuguese' AND category_name = category_name_pt
        )
        OR (
          category_name_source = 'translation' AND NOT category_name_pt IS NULL
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      CASE WHEN weight_g IS NULL OR weight_g > 0 THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      CASE
        WHEN (
          length_cm IS NULL OR length_cm > 0
        )
        AND (
          height_cm IS NULL OR height_cm > 0
        )
        AND (
          width_cm IS NULL OR width_cm > 0
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        product_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_product
      WHERE
        NOT product_sk IS NULL
        AND (
          product_sk IN (
            SELECT
              product_sk
            FROM __src_dim_product
          )
        )
      GROUP BY
        product_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      product_sk IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        product_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_dim_product
      ) AS dim_product
      WHERE
        NOT product_id IS NULL
      GROUP BY
        product_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      product_id IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      category_name IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      category_name_source IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      NOT category_name_source IS NULL
      AND NOT category_name_source IN ('translation', 'portuguese', 'unknown')
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      weight_g IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_product
    ) AS dim_product
    WHERE
      volume_cm3 IS NULL
  ) AS check_14;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_product HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.dim_product
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(has_source_category) [warn]: category_name_pt IS NOT NULL
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE CASE WHEN NOT category_name_pt IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  CASE WHEN NOT category_name_pt IS NULL THEN 1 ELSE 0 END = 0;

-- check expression(category_translated) [warn]: category_name_source <> 'portuguese'
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE CASE WHEN category_name_source <> 'portuguese' THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  CASE WHEN category_name_source <> 'portuguese' THEN 1 ELSE 0 END = 0;

-- check expression(category_source_consistent) [error]: (category_name_source = 'unknown' AND category_name_pt IS NULL AND category_name = 'unknown') OR (category_name_source = 'portuguese' AND category_name = category_name_pt) OR (category_name_source = 'translation' AND category_name_pt IS NOT NULL)
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE CASE WHEN (category_name_source = 'unknown' AND category_name_pt IS NULL AND category_name = 'unknown') OR (category_name_source = 'portuguese' AND category_name = category_name_pt) OR (category_name_source = 'translation' AND NOT category_name_pt IS NULL) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  CASE
    WHEN (
      category_name_source = 'unknown'
      AND category_name_pt IS NULL
      AND category_name = 'unknown'
    )
    OR (
      category_name_source = 'portuguese' AND category_name = category_name_pt
    )
    OR (
      category_name_source = 'translation' AND NOT category_name_pt IS NULL
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(weight_positive) [warn]: weight_g IS NULL OR weight_g > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE CASE WHEN weight_g IS NULL OR weight_g > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  CASE WHEN weight_g IS NULL OR weight_g > 0 THEN 1 ELSE 0 END = 0;

-- check expression(dimensions_positive) [error]: (length_cm IS NULL OR length_cm > 0) AND (height_cm IS NULL OR height_cm > 0) AND (width_cm IS NULL OR width_cm > 0)
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE CASE WHEN (length_cm IS NULL OR length_cm > 0) AND (height_cm IS NULL OR height_cm > 0) AND (width_cm IS NULL OR width_cm > 0) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  CASE
    WHEN (
      length_cm IS NULL OR length_cm > 0
    )
    AND (
      height_cm IS NULL OR height_cm > 0
    )
    AND (
      width_cm IS NULL OR width_cm > 0
    )
    THEN 1
    ELSE 0
  END = 0;

-- check unique(product_sk) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT product_sk, COUNT(*) AS occurrences FROM dwh.dim_product WHERE NOT product_sk IS NULL GROUP BY product_sk HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    product_sk,
    COUNT(*) AS occurrences
  FROM dwh.dim_product
  WHERE
    NOT product_sk IS NULL
  GROUP BY
    product_sk
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(product_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE product_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  product_sk IS NULL;

-- check unique(product_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT product_id, COUNT(*) AS occurrences FROM dwh.dim_product WHERE NOT product_id IS NULL GROUP BY product_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    product_id,
    COUNT(*) AS occurrences
  FROM dwh.dim_product
  WHERE
    NOT product_id IS NULL
  GROUP BY
    product_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(product_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE product_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  product_id IS NULL;

-- check not_null(category_name) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE category_name IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  category_name IS NULL;

-- check not_null(category_name_source) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE category_name_source IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  category_name_source IS NULL;

-- check accepted_values(category_name_source) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE NOT category_name_source IS NULL AND NOT category_name_source IN ('translation', 'portuguese', 'unknown')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  NOT category_name_source IS NULL
  AND NOT category_name_source IN ('translation', 'portuguese', 'unknown');

-- check not_null(weight_g) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE weight_g IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  weight_g IS NULL;

-- check not_null(volume_cm3) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_product WHERE volume_cm3 IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_product
WHERE
  volume_cm3 IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_product HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(has_source_category): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE CASE WHEN NOT category_name_pt IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(category_translated): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE CASE WHEN category_name_source <> 'portuguese' THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(category_source_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE CASE WHEN (category_name_source = 'unknown' AND category_name_pt IS NULL AND category_name = 'unknown') OR (category_name_source = 'portuguese' AND category_name = category_name_pt) OR (category_name_source = 'translation' AND NOT category_name_pt IS NULL) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(weight_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE CASE WHEN weight_g IS NULL OR weight_g > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(dimensions_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE CASE WHEN (length_cm IS NULL OR length_cm > 0) AND (height_cm IS NULL OR height_cm > 0) AND (width_cm IS NULL OR width_cm > 0) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(product_sk): SELECT * FROM (SELECT product_sk, COUNT(*) AS occurrences FROM dwh.dim_product WHERE NOT product_sk IS NULL AND (product_sk IN (SELECT product_sk FROM __src_dim_product)) GROUP BY product_sk HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(product_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE product_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(product_id): SELECT * FROM (SELECT product_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE NOT product_id IS NULL GROUP BY product_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(product_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE product_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(category_name): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE category_name IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(category_name_source): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE category_name_source IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(category_name_source): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE NOT category_name_source IS NULL AND NOT category_name_source IN ('translation', 'portuguese', 'unknown')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(weight_g): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE weight_g IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(volume_cm3): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_product) AS dim_product WHERE volume_cm3 IS NULL) AS __f LIMIT 5
