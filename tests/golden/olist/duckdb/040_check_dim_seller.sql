-- step check:dim_seller
-- after: build:dim_seller

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_seller
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      CASE
        WHEN (
          lat IS NULL AND lng IS NULL
        )
        OR (
          lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        seller_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_seller
      WHERE
        NOT seller_sk IS NULL
      GROUP BY
        seller_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      seller_sk IS NULL
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        seller_id,
        COUNT(*) AS occurrences
      FROM dwh.dim_seller
      WHERE
        NOT seller_id IS NULL
      GROUP BY
        seller_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      seller_id IS NULL
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      zip_code_prefix IS NULL
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      city IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      state IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      NOT state IS NULL
      AND NOT state IN (
        'AC',
        'AL',
        'AM',
        'AP',
        'BA',
        'CE',
        'DF',
        'ES',
        'GO',
        'MA',
        'MG',
        'MS',
        'MT',
        'PA',
        'PB',
        'PE',
        'PI',
        'PR',
        'RJ',
        'RN',
        'RO',
        'RR',
        'RS',
        'SC',
        'SE',
        'SP',
        'TO'
      )
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      lat IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_seller
    WHERE
      lng IS NULL
  ) AS check_11;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_seller
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
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      CASE
        WHEN (
          lat IS NULL AND lng IS NULL
        )
        OR (
          lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        seller_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_seller
      WHERE
        NOT seller_sk IS NULL
        AND (
          seller_sk IN (
            SELECT
              seller_sk
            FROM __src_dim_seller
          )
        )
      GROUP BY
        seller_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      seller_sk IS NULL
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        seller_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_dim_seller
      ) AS dim_seller
      WHERE
        NOT seller_id IS NULL
      GROUP BY
        seller_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      seller_id IS NULL
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      zip_code_prefix IS NULL
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      city IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      state IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      NOT state IS NULL
      AND NOT state IN (
        'AC',
        'AL',
        'AM',
        'AP',
        'BA',
        'CE',
        'DF',
        'ES',
        'GO',
        'MA',
        'MG',
        'MS',
        'MT',
        'PA',
        'PB',
        'PE',
        'PI',
        'PR',
        'RJ',
        'RN',
        'RO',
        'RR',
        'RS',
        'SC',
        'SE',
        'SP',
        'TO'
      )
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      lat IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_dim_seller
    ) AS dim_seller
    WHERE
      lng IS NULL
  ) AS check_11;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_seller HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.dim_seller
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(coordinates_in_brazil) [error]: (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5)
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE CASE WHEN (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  CASE
    WHEN (
      lat IS NULL AND lng IS NULL
    )
    OR (
      lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5
    )
    THEN 1
    ELSE 0
  END = 0;

-- check unique(seller_sk) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT seller_sk, COUNT(*) AS occurrences FROM dwh.dim_seller WHERE NOT seller_sk IS NULL GROUP BY seller_sk HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    seller_sk,
    COUNT(*) AS occurrences
  FROM dwh.dim_seller
  WHERE
    NOT seller_sk IS NULL
  GROUP BY
    seller_sk
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(seller_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE seller_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  seller_sk IS NULL;

-- check unique(seller_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT seller_id, COUNT(*) AS occurrences FROM dwh.dim_seller WHERE NOT seller_id IS NULL GROUP BY seller_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    seller_id,
    COUNT(*) AS occurrences
  FROM dwh.dim_seller
  WHERE
    NOT seller_id IS NULL
  GROUP BY
    seller_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(seller_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE seller_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  seller_id IS NULL;

-- check not_null(zip_code_prefix) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE zip_code_prefix IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  zip_code_prefix IS NULL;

-- check not_null(city) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE city IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  city IS NULL;

-- check not_null(state) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE state IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  state IS NULL;

-- check accepted_values(state) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE NOT state IS NULL AND NOT state IN ('AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  NOT state IS NULL
  AND NOT state IN (
    'AC',
    'AL',
    'AM',
    'AP',
    'BA',
    'CE',
    'DF',
    'ES',
    'GO',
    'MA',
    'MG',
    'MS',
    'MT',
    'PA',
    'PB',
    'PE',
    'PI',
    'PR',
    'RJ',
    'RN',
    'RO',
    'RR',
    'RS',
    'SC',
    'SE',
    'SP',
    'TO'
  );

-- check not_null(lat) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE lat IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  lat IS NULL;

-- check not_null(lng) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_seller WHERE lng IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_seller
WHERE
  lng IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_seller HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(coordinates_in_brazil): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE CASE WHEN (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(seller_sk): SELECT * FROM (SELECT seller_sk, COUNT(*) AS occurrences FROM dwh.dim_seller WHERE NOT seller_sk IS NULL AND (seller_sk IN (SELECT seller_sk FROM __src_dim_seller)) GROUP BY seller_sk HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(seller_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE seller_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(seller_id): SELECT * FROM (SELECT seller_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE NOT seller_id IS NULL GROUP BY seller_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(seller_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE seller_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(zip_code_prefix): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE zip_code_prefix IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(city): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE city IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(state): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE state IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(state): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE NOT state IS NULL AND NOT state IN ('AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(lat): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE lat IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(lng): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_dim_seller) AS dim_seller WHERE lng IS NULL) AS __f LIMIT 5
