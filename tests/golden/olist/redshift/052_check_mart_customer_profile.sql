-- step check:mart_customer_profile
-- after: build:mart_customer_profile, build:dim_customer

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_customer_profile
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      CASE
        WHEN delivered_orders + canceled_orders <= orders_count AND orders_count >= 1
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      CASE WHEN first_order_ts <= last_order_ts THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      CASE
        WHEN total_spent >= 0 AND (
          delivered_orders > 0 OR total_spent = 0
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      CASE
        WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      CASE WHEN NOT lat IS NULL AND NOT lng IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        COUNT(*) AS occurrences
      FROM mart.mart_customer_profile
      WHERE
        NOT customer_unique_id IS NULL
      GROUP BY
        customer_unique_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      customer_unique_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile AS __c
    WHERE
      NOT __c.customer_unique_id IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_customer AS __p
        WHERE
          __p.customer_unique_id = __c.customer_unique_id
      )
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      customer_sk IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile AS __c
    WHERE
      NOT __c.customer_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_customer AS __p
        WHERE
          __p.customer_sk = __c.customer_sk
      )
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      first_order_ts IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      last_order_ts IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      orders_count IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      delivered_orders IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      canceled_orders IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      items_count IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      total_spent IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM mart.mart_customer_profile
    WHERE
      NOT preferred_payment_type IS NULL
      AND NOT preferred_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_18;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM mart.mart_customer_profile
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
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      CASE
        WHEN delivered_orders + canceled_orders <= orders_count AND orders_count >= 1
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      CASE WHEN first_order_ts <= last_order_ts THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      CASE
        WHEN total_spent >= 0 AND (
          delivered_orders > 0 OR total_spent = 0
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
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      CASE
        WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
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
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      CASE WHEN NOT lat IS NULL AND NOT lng IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        customer_unique_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_mart_customer_profile
      ) AS mart_customer_profile
      WHERE
        NOT customer_unique_id IS NULL
      GROUP BY
        customer_unique_id
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
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      customer_unique_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS __c
    WHERE
      NOT __c.customer_unique_id IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_customer AS __p
        WHERE
          __p.customer_unique_id = __c.customer_unique_id
      )
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      customer_sk IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS __c
    WHERE
      NOT __c.customer_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_customer AS __p
        WHERE
          __p.customer_sk = __c.customer_sk
      )
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      first_order_ts IS NULL
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      last_order_ts IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      orders_count IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      delivered_orders IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      canceled_orders IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      items_count IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      total_spent IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_mart_customer_profile
    ) AS mart_customer_profile
    WHERE
      NOT preferred_payment_type IS NULL
      AND NOT preferred_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_18;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_customer_profile HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM mart.mart_customer_profile
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(order_counts_consistent) [error]: delivered_orders + canceled_orders <= orders_count AND orders_count >= 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE CASE WHEN delivered_orders + canceled_orders <= orders_count AND orders_count >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  CASE
    WHEN delivered_orders + canceled_orders <= orders_count AND orders_count >= 1
    THEN 1
    ELSE 0
  END = 0;

-- check expression(order_window_consistent) [error]: first_order_ts <= last_order_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE CASE WHEN first_order_ts <= last_order_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  CASE WHEN first_order_ts <= last_order_ts THEN 1 ELSE 0 END = 0;

-- check expression(spend_consistent) [error]: total_spent >= 0 AND (delivered_orders > 0 OR total_spent = 0)
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE CASE WHEN total_spent >= 0 AND (delivered_orders > 0 OR total_spent = 0) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  CASE
    WHEN total_spent >= 0 AND (
      delivered_orders > 0 OR total_spent = 0
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(review_average_in_range) [error]: avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE CASE WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  CASE
    WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5
    THEN 1
    ELSE 0
  END = 0;

-- check expression(has_current_coordinates) [warn]: lat IS NOT NULL AND lng IS NOT NULL
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE CASE WHEN NOT lat IS NULL AND NOT lng IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  CASE WHEN NOT lat IS NULL AND NOT lng IS NULL THEN 1 ELSE 0 END = 0;

-- check unique(customer_unique_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT customer_unique_id, COUNT(*) AS occurrences FROM mart.mart_customer_profile WHERE NOT customer_unique_id IS NULL GROUP BY customer_unique_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    customer_unique_id,
    COUNT(*) AS occurrences
  FROM mart.mart_customer_profile
  WHERE
    NOT customer_unique_id IS NULL
  GROUP BY
    customer_unique_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(customer_unique_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE customer_unique_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  customer_unique_id IS NULL;

-- check relationships(customer_unique_id -> dim_customer.customer_unique_id) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile AS __c WHERE NOT __c.customer_unique_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_unique_id = __c.customer_unique_id)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile AS __c
WHERE
  NOT __c.customer_unique_id IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __p
    WHERE
      __p.customer_unique_id = __c.customer_unique_id
  );

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  customer_sk IS NULL;

-- check relationships(customer_sk -> dim_customer.customer_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile AS __c
WHERE
  NOT __c.customer_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __p
    WHERE
      __p.customer_sk = __c.customer_sk
  );

-- check not_null(first_order_ts) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE first_order_ts IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  first_order_ts IS NULL;

-- check not_null(last_order_ts) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE last_order_ts IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  last_order_ts IS NULL;

-- check not_null(orders_count) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE orders_count IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  orders_count IS NULL;

-- check not_null(delivered_orders) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE delivered_orders IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  delivered_orders IS NULL;

-- check not_null(canceled_orders) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE canceled_orders IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  canceled_orders IS NULL;

-- check not_null(items_count) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE items_count IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  items_count IS NULL;

-- check not_null(total_spent) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE total_spent IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  total_spent IS NULL;

-- check accepted_values(preferred_payment_type) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM mart.mart_customer_profile WHERE NOT preferred_payment_type IS NULL AND NOT preferred_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM mart.mart_customer_profile
WHERE
  NOT preferred_payment_type IS NULL
  AND NOT preferred_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined');

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM mart.mart_customer_profile HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(order_counts_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE CASE WHEN delivered_orders + canceled_orders <= orders_count AND orders_count >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(order_window_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE CASE WHEN first_order_ts <= last_order_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(spend_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE CASE WHEN total_spent >= 0 AND (delivered_orders > 0 OR total_spent = 0) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(review_average_in_range): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE CASE WHEN avg_review_score IS NULL OR avg_review_score BETWEEN 1 AND 5 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(has_current_coordinates): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE CASE WHEN NOT lat IS NULL AND NOT lng IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(customer_unique_id): SELECT * FROM (SELECT customer_unique_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE NOT customer_unique_id IS NULL GROUP BY customer_unique_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_unique_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE customer_unique_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_unique_id -> dim_customer.customer_unique_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS __c WHERE NOT __c.customer_unique_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_unique_id = __c.customer_unique_id)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_sk -> dim_customer.customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(first_order_ts): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE first_order_ts IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(last_order_ts): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE last_order_ts IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(orders_count): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE orders_count IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(delivered_orders): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE delivered_orders IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(canceled_orders): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE canceled_orders IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(items_count): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE items_count IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(total_spent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE total_spent IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(preferred_payment_type): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_mart_customer_profile) AS mart_customer_profile WHERE NOT preferred_payment_type IS NULL AND NOT preferred_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5
