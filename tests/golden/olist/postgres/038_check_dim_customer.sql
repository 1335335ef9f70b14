-- step check:dim_customer
-- after: build:dim_customer

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_customer
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_from,
        COUNT(*) AS occurrences
      FROM dwh.dim_customer
      WHERE
        NOT customer_unique_id IS NULL OR NOT valid_from IS NULL
      GROUP BY
        customer_unique_id,
        valid_from
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_to,
        COUNT(*) AS occurrences
      FROM dwh.dim_customer
      WHERE
        NOT customer_unique_id IS NULL OR NOT valid_to IS NULL
      GROUP BY
        customer_unique_id,
        valid_to
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      CASE WHEN valid_from < valid_to THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      CASE
        WHEN (
          is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
        )
        OR (
          NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP)
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
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
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_customer
      WHERE
        NOT customer_sk IS NULL
      GROUP BY
        customer_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      customer_sk IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      customer_unique_id IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      zip_code_prefix IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      city IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      state IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
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
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      lat IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      lng IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      observed_at IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
      FROM dwh.dim_customer
      GROUP BY
        customer_unique_id
      HAVING
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) <> 1
    ) AS __f
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_customer
    WHERE
      valid_from >= valid_to
      OR is_current <> (
        valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
      )
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_from,
        valid_to,
        LEAD(valid_from) OVER (PARTITION BY customer_unique_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
      FROM dwh.dim_customer
    ) AS __w
    WHERE
      NOT next_valid_from IS NULL AND next_valid_from <> valid_to
  ) AS check_18;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.dim_customer
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_from,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __audit_dim_customer
      ) AS dim_customer
      WHERE
        NOT customer_unique_id IS NULL OR NOT valid_from IS NULL
      GROUP BY
        customer_unique_id,
        valid_from
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_to,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __audit_dim_customer
      ) AS dim_customer
      WHERE
        NOT customer_unique_id IS NULL OR NOT valid_to IS NULL
      GROUP BY
        customer_unique_id,
        valid_to
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
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      CASE WHEN valid_from < valid_to THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      CASE
        WHEN (
          is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
        )
        OR (
          NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP)
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
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
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_customer
      WHERE
        NOT customer_sk IS NULL
        AND (
          customer_sk IN (
            SELECT
              customer_sk
            FROM __audit_dim_customer
          )
        )
      GROUP BY
        customer_sk
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
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      customer_sk IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      customer_unique_id IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      zip_code_prefix IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      city IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      state IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
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
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      lat IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      lng IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      observed_at IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
      FROM (
        SELECT
          *
        FROM __audit_dim_customer
      ) AS dim_customer
      GROUP BY
        customer_unique_id
      HAVING
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) <> 1
    ) AS __f
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __audit_dim_customer
    ) AS dim_customer
    WHERE
      valid_from >= valid_to
      OR is_current <> (
        valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
      )
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        valid_from,
        valid_to,
        LEAD(valid_from) OVER (PARTITION BY customer_unique_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
      FROM (
        SELECT
          *
        FROM __audit_dim_customer
      ) AS dim_customer
    ) AS __w
    WHERE
      NOT next_valid_from IS NULL AND next_valid_from <> valid_to
  ) AS check_18;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_customer HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.dim_customer
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(customer_unique_id, valid_from) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT customer_unique_id, valid_from, COUNT(*) AS occurrences FROM dwh.dim_customer WHERE NOT customer_unique_id IS NULL OR NOT valid_from IS NULL GROUP BY customer_unique_id, valid_from HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_unique_id,
    valid_from,
    COUNT(*) AS occurrences
  FROM dwh.dim_customer
  WHERE
    NOT customer_unique_id IS NULL OR NOT valid_from IS NULL
  GROUP BY
    customer_unique_id,
    valid_from
  HAVING
    COUNT(*) > 1
) AS __f;

-- check unique(customer_unique_id, valid_to) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT customer_unique_id, valid_to, COUNT(*) AS occurrences FROM dwh.dim_customer WHERE NOT customer_unique_id IS NULL OR NOT valid_to IS NULL GROUP BY customer_unique_id, valid_to HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_unique_id,
    valid_to,
    COUNT(*) AS occurrences
  FROM dwh.dim_customer
  WHERE
    NOT customer_unique_id IS NULL OR NOT valid_to IS NULL
  GROUP BY
    customer_unique_id,
    valid_to
  HAVING
    COUNT(*) > 1
) AS __f;

-- check expression(valid_window_ordered) [error]: valid_from < valid_to
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE CASE WHEN valid_from < valid_to THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  CASE WHEN valid_from < valid_to THEN 1 ELSE 0 END = 0;

-- check expression(is_current_iff_open) [error]: (is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)) OR (NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP))
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE CASE WHEN (is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)) OR (NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP)) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  CASE
    WHEN (
      is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
    )
    OR (
      NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP)
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(coordinates_in_brazil) [error]: (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5)
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE CASE WHEN (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
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

-- check unique(customer_sk) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT customer_sk, COUNT(*) AS occurrences FROM dwh.dim_customer WHERE NOT customer_sk IS NULL GROUP BY customer_sk HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_sk,
    COUNT(*) AS occurrences
  FROM dwh.dim_customer
  WHERE
    NOT customer_sk IS NULL
  GROUP BY
    customer_sk
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  customer_sk IS NULL;

-- check not_null(customer_unique_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE customer_unique_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  customer_unique_id IS NULL;

-- check not_null(zip_code_prefix) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE zip_code_prefix IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  zip_code_prefix IS NULL;

-- check not_null(city) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE city IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  city IS NULL;

-- check not_null(state) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE state IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  state IS NULL;

-- check accepted_values(state) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE NOT state IS NULL AND NOT state IN ('AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
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
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE lat IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  lat IS NULL;

-- check not_null(lng) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE lng IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  lng IS NULL;

-- check not_null(observed_at) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE observed_at IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  observed_at IS NULL;

-- check scd2_one_current_row_per_key [error]: exactly one current version per key
-- sample of failing rows: SELECT * FROM (SELECT customer_unique_id, SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows FROM dwh.dim_customer GROUP BY customer_unique_id HAVING SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) <> 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_unique_id,
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
  FROM dwh.dim_customer
  GROUP BY
    customer_unique_id
  HAVING
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) <> 1
) AS __f;

-- check scd2_valid_windows [error]: valid_from < valid_to; is_current iff open
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_customer WHERE valid_from >= valid_to OR is_current <> (valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP))) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_customer
WHERE
  valid_from >= valid_to
  OR is_current <> (
    valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  );

-- check scd2_no_overlaps_or_gaps [error]: consecutive versions of a key touch without overlapping
-- sample of failing rows: SELECT * FROM (SELECT * FROM (SELECT customer_unique_id, valid_from, valid_to, LEAD(valid_from) OVER (PARTITION BY customer_unique_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from FROM dwh.dim_customer) AS __w WHERE NOT next_valid_from IS NULL AND next_valid_from <> valid_to) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_unique_id,
    valid_from,
    valid_to,
    LEAD(valid_from) OVER (PARTITION BY customer_unique_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
  FROM dwh.dim_customer
) AS __w
WHERE
  NOT next_valid_from IS NULL AND next_valid_from <> valid_to;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.dim_customer HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(customer_unique_id, valid_from): SELECT * FROM (SELECT customer_unique_id, valid_from, COUNT(*) AS occurrences FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE NOT customer_unique_id IS NULL OR NOT valid_from IS NULL GROUP BY customer_unique_id, valid_from HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(customer_unique_id, valid_to): SELECT * FROM (SELECT customer_unique_id, valid_to, COUNT(*) AS occurrences FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE NOT customer_unique_id IS NULL OR NOT valid_to IS NULL GROUP BY customer_unique_id, valid_to HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(valid_window_ordered): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE CASE WHEN valid_from < valid_to THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(is_current_iff_open): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE CASE WHEN (is_current AND valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)) OR (NOT is_current AND valid_to < CAST('9999-12-31 00:00:00' AS TIMESTAMP)) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(coordinates_in_brazil): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE CASE WHEN (lat IS NULL AND lng IS NULL) OR (lat BETWEEN -34.0 AND 5.5 AND lng BETWEEN -74.0 AND -34.5) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(customer_sk): SELECT * FROM (SELECT customer_sk, COUNT(*) AS occurrences FROM dwh.dim_customer WHERE NOT customer_sk IS NULL AND (customer_sk IN (SELECT customer_sk FROM __audit_dim_customer)) GROUP BY customer_sk HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_unique_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE customer_unique_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(zip_code_prefix): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE zip_code_prefix IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(city): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE city IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(state): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE state IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(state): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE NOT state IS NULL AND NOT state IN ('AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(lat): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE lat IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(lng): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE lng IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(observed_at): SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE observed_at IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check scd2_one_current_row_per_key: SELECT * FROM (SELECT customer_unique_id, SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows FROM (SELECT * FROM __audit_dim_customer) AS dim_customer GROUP BY customer_unique_id HAVING SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) <> 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check scd2_valid_windows: SELECT * FROM (SELECT * FROM (SELECT * FROM __audit_dim_customer) AS dim_customer WHERE valid_from >= valid_to OR is_current <> (valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP))) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check scd2_no_overlaps_or_gaps: SELECT * FROM (SELECT * FROM (SELECT customer_unique_id, valid_from, valid_to, LEAD(valid_from) OVER (PARTITION BY customer_unique_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from FROM (SELECT * FROM __audit_dim_customer) AS dim_customer) AS __w WHERE NOT next_valid_from IS NULL AND next_valid_from <> valid_to) AS __f LIMIT 5
