-- step check:fact_payments
-- after: build:fact_payments, build:dim_customer, build:dim_date, build:fact_orders

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_payments
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        order_id,
        payment_sequential,
        COUNT(*) AS occurrences
      FROM dwh.fact_payments
      WHERE
        NOT order_id IS NULL OR NOT payment_sequential IS NULL
      GROUP BY
        order_id,
        payment_sequential
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      CASE WHEN payment_value >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      CASE WHEN payment_sequential >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      CASE WHEN payment_value > 0 THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      CASE WHEN payment_type <> 'not_defined' THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      CASE WHEN payment_installments >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      order_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments AS __c
    WHERE
      NOT __c.order_id IS NULL
      AND NOT __c.order_id IN (
        SELECT
          __p.order_id
        FROM dwh.fact_orders AS __p
        WHERE
          NOT __p.order_id IS NULL
      )
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      payment_sequential IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      customer_sk IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments AS __c
    WHERE
      NOT __c.customer_sk IS NULL
      AND NOT __c.customer_sk IN (
        SELECT
          __p.customer_sk
        FROM dwh.dim_customer AS __p
        WHERE
          NOT __p.customer_sk IS NULL
      )
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      date_key IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT __c.date_key IN (
        SELECT
          __p.date_key
        FROM dwh.dim_date AS __p
        WHERE
          NOT __p.date_key IS NULL
      )
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      payment_type IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      NOT payment_type IS NULL
      AND NOT payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      payment_installments IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_payments
    WHERE
      payment_value IS NULL
  ) AS check_17;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_payments
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        order_id,
        payment_sequential,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_payments
      ) AS fact_payments
      WHERE
        NOT order_id IS NULL OR NOT payment_sequential IS NULL
      GROUP BY
        order_id,
        payment_sequential
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
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      CASE WHEN payment_value >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      CASE WHEN payment_sequential >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      CASE WHEN payment_value > 0 THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      CASE WHEN payment_type <> 'not_defined' THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      CASE WHEN payment_installments >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      order_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
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
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      payment_sequential IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      customer_sk IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
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
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      date_key IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
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
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      payment_type IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      NOT payment_type IS NULL
      AND NOT payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      payment_installments IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_payments
    ) AS fact_payments
    WHERE
      payment_value IS NULL
  ) AS check_17;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_payments HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.fact_payments
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(order_id, payment_sequential) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT order_id, payment_sequential, COUNT(*) AS occurrences FROM dwh.fact_payments WHERE NOT order_id IS NULL OR NOT payment_sequential IS NULL GROUP BY order_id, payment_sequential HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    order_id,
    payment_sequential,
    COUNT(*) AS occurrences
  FROM dwh.fact_payments
  WHERE
    NOT order_id IS NULL OR NOT payment_sequential IS NULL
  GROUP BY
    order_id,
    payment_sequential
  HAVING
    COUNT(*) > 1
) AS __f;

-- check expression(payment_value_not_negative) [error]: payment_value >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE CASE WHEN payment_value >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  CASE WHEN payment_value >= 0 THEN 1 ELSE 0 END = 0;

-- check expression(sequential_positive) [error]: payment_sequential >= 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE CASE WHEN payment_sequential >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  CASE WHEN payment_sequential >= 1 THEN 1 ELSE 0 END = 0;

-- check expression(payment_value_positive) [warn]: payment_value > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE CASE WHEN payment_value > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  CASE WHEN payment_value > 0 THEN 1 ELSE 0 END = 0;

-- check expression(payment_type_defined) [warn]: payment_type <> 'not_defined'
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE CASE WHEN payment_type <> 'not_defined' THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  CASE WHEN payment_type <> 'not_defined' THEN 1 ELSE 0 END = 0;

-- check expression(installments_at_least_one) [warn]: payment_installments >= 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE CASE WHEN payment_installments >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  CASE WHEN payment_installments >= 1 THEN 1 ELSE 0 END = 0;

-- check not_null(order_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE order_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  order_id IS NULL;

-- check relationships(order_id -> fact_orders.order_id) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments AS __c WHERE NOT __c.order_id IS NULL AND NOT __c.order_id IN (SELECT __p.order_id FROM dwh.fact_orders AS __p WHERE NOT __p.order_id IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments AS __c
WHERE
  NOT __c.order_id IS NULL
  AND NOT __c.order_id IN (
    SELECT
      __p.order_id
    FROM dwh.fact_orders AS __p
    WHERE
      NOT __p.order_id IS NULL
  );

-- check not_null(payment_sequential) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE payment_sequential IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  payment_sequential IS NULL;

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  customer_sk IS NULL;

-- check relationships(customer_sk -> dim_customer.customer_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments AS __c WHERE NOT __c.customer_sk IS NULL AND NOT __c.customer_sk IN (SELECT __p.customer_sk FROM dwh.dim_customer AS __p WHERE NOT __p.customer_sk IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments AS __c
WHERE
  NOT __c.customer_sk IS NULL
  AND NOT __c.customer_sk IN (
    SELECT
      __p.customer_sk
    FROM dwh.dim_customer AS __p
    WHERE
      NOT __p.customer_sk IS NULL
  );

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  date_key IS NULL;

-- check relationships(date_key -> dim_date.date_key) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments AS __c WHERE NOT __c.date_key IS NULL AND NOT __c.date_key IN (SELECT __p.date_key FROM dwh.dim_date AS __p WHERE NOT __p.date_key IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments AS __c
WHERE
  NOT __c.date_key IS NULL
  AND NOT __c.date_key IN (
    SELECT
      __p.date_key
    FROM dwh.dim_date AS __p
    WHERE
      NOT __p.date_key IS NULL
  );

-- check not_null(payment_type) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE payment_type IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  payment_type IS NULL;

-- check accepted_values(payment_type) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE NOT payment_type IS NULL AND NOT payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  NOT payment_type IS NULL
  AND NOT payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined');

-- check not_null(payment_installments) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE payment_installments IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  payment_installments IS NULL;

-- check not_null(payment_value) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_payments WHERE payment_value IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_payments
WHERE
  payment_value IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_payments HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(order_id, payment_sequential): SELECT * FROM (SELECT order_id, payment_sequential, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE NOT order_id IS NULL OR NOT payment_sequential IS NULL GROUP BY order_id, payment_sequential HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(payment_value_not_negative): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE CASE WHEN payment_value >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(sequential_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE CASE WHEN payment_sequential >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(payment_value_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE CASE WHEN payment_value > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(payment_type_defined): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE CASE WHEN payment_type <> 'not_defined' THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(installments_at_least_one): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE CASE WHEN payment_installments >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE order_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(order_id -> fact_orders.order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS __c WHERE NOT __c.order_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.fact_orders AS __p WHERE __p.order_id = __c.order_id)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payment_sequential): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE payment_sequential IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_sk -> dim_customer.customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE date_key IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(date_key -> dim_date.date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payment_type): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE payment_type IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(payment_type): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE NOT payment_type IS NULL AND NOT payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payment_installments): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE payment_installments IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payment_value): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_payments) AS fact_payments WHERE payment_value IS NULL) AS __f LIMIT 5
