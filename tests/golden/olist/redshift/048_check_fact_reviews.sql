-- step check:fact_reviews
-- after: build:fact_reviews, build:dim_customer, build:dim_date, build:fact_orders

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_reviews
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        review_id,
        order_id,
        COUNT(*) AS occurrences
      FROM dwh.fact_reviews
      WHERE
        NOT review_id IS NULL OR NOT order_id IS NULL
      GROUP BY
        review_id,
        order_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      CASE WHEN answered_ts >= created_ts AND answer_days >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      CASE WHEN date_key >= purchase_date THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      review_id IS NULL
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        review_id,
        COUNT(*) AS occurrences
      FROM dwh.fact_reviews
      WHERE
        NOT review_id IS NULL
      GROUP BY
        review_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      order_id IS NULL
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews AS __c
    WHERE
      NOT __c.order_id IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.fact_orders AS __p
        WHERE
          __p.order_id = __c.order_id
      )
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      customer_sk IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews AS __c
    WHERE
      NOT __c.customer_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_customer AS __p
        WHERE
          __p.customer_sk = __c.customer_sk
      )
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      date_key IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_date AS __p
        WHERE
          __p.date_key = __c.date_key
      )
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      purchase_date IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      review_score IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_reviews
    WHERE
      has_comment IS NULL
  ) AS check_15;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_reviews
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        review_id,
        order_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_reviews
      ) AS fact_reviews
      WHERE
        NOT review_id IS NULL OR NOT order_id IS NULL
      GROUP BY
        review_id,
        order_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      CASE WHEN answered_ts >= created_ts AND answer_days >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      CASE WHEN date_key >= purchase_date THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      review_id IS NULL
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        review_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_reviews
      ) AS fact_reviews
      WHERE
        NOT review_id IS NULL
      GROUP BY
        review_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      order_id IS NULL
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS __c
    WHERE
      NOT __c.order_id IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.fact_orders AS __p
        WHERE
          __p.order_id = __c.order_id
      )
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      customer_sk IS NULL
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
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
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      date_key IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_date AS __p
        WHERE
          __p.date_key = __c.date_key
      )
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      purchase_date IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      review_score IS NULL
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_reviews
    ) AS fact_reviews
    WHERE
      has_comment IS NULL
  ) AS check_15;

-- check min_row_count(1) [warn]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_reviews HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.fact_reviews
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(review_id, order_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT review_id, order_id, COUNT(*) AS occurrences FROM dwh.fact_reviews WHERE NOT review_id IS NULL OR NOT order_id IS NULL GROUP BY review_id, order_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    review_id,
    order_id,
    COUNT(*) AS occurrences
  FROM dwh.fact_reviews
  WHERE
    NOT review_id IS NULL OR NOT order_id IS NULL
  GROUP BY
    review_id,
    order_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check expression(answered_after_created) [error]: answered_ts >= created_ts AND answer_days >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE CASE WHEN answered_ts >= created_ts AND answer_days >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  CASE WHEN answered_ts >= created_ts AND answer_days >= 0 THEN 1 ELSE 0 END = 0;

-- check expression(review_after_purchase) [warn]: date_key >= purchase_date
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE CASE WHEN date_key >= purchase_date THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  CASE WHEN date_key >= purchase_date THEN 1 ELSE 0 END = 0;

-- check not_null(review_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE review_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  review_id IS NULL;

-- check unique(review_id) [warn]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT review_id, COUNT(*) AS occurrences FROM dwh.fact_reviews WHERE NOT review_id IS NULL GROUP BY review_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    review_id,
    COUNT(*) AS occurrences
  FROM dwh.fact_reviews
  WHERE
    NOT review_id IS NULL
  GROUP BY
    review_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(order_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE order_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  order_id IS NULL;

-- check relationships(order_id -> fact_orders.order_id) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews AS __c WHERE NOT __c.order_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.fact_orders AS __p WHERE __p.order_id = __c.order_id)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews AS __c
WHERE
  NOT __c.order_id IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.fact_orders AS __p
    WHERE
      __p.order_id = __c.order_id
  );

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  customer_sk IS NULL;

-- check relationships(customer_sk -> dim_customer.customer_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews AS __c
WHERE
  NOT __c.customer_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __p
    WHERE
      __p.customer_sk = __c.customer_sk
  );

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  date_key IS NULL;

-- check relationships(date_key -> dim_date.date_key) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews AS __c
WHERE
  NOT __c.date_key IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_date AS __p
    WHERE
      __p.date_key = __c.date_key
  );

-- check not_null(purchase_date) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE purchase_date IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  purchase_date IS NULL;

-- check not_null(review_score) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE review_score IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  review_score IS NULL;

-- check accepted_values(review_score) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5);

-- check not_null(has_comment) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_reviews WHERE has_comment IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_reviews
WHERE
  has_comment IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_reviews HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(review_id, order_id): SELECT * FROM (SELECT review_id, order_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE NOT review_id IS NULL OR NOT order_id IS NULL GROUP BY review_id, order_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(answered_after_created): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE CASE WHEN answered_ts >= created_ts AND answer_days >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(review_after_purchase): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE CASE WHEN date_key >= purchase_date THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(review_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE review_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(review_id): SELECT * FROM (SELECT review_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE NOT review_id IS NULL GROUP BY review_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE order_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(order_id -> fact_orders.order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS __c WHERE NOT __c.order_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.fact_orders AS __p WHERE __p.order_id = __c.order_id)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_sk -> dim_customer.customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE date_key IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(date_key -> dim_date.date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(purchase_date): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE purchase_date IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(review_score): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE review_score IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(review_score): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(has_comment): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_reviews) AS fact_reviews WHERE has_comment IS NULL) AS __f LIMIT 5
