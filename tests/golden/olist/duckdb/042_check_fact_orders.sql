-- step check:fact_orders
-- after: build:fact_orders, build:dim_customer, build:dim_date

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_orders
      HAVING
        COUNT(*) < 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0
        THEN 1
        ELSE 0
      END = 0
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE WHEN order_total = items_total + freight_total THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE WHEN approved_ts IS NULL OR approved_ts >= purchase_ts THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN (
          delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL
        )
        OR (
          NOT delivered_customer_ts IS NULL AND delivery_days >= 0 AND NOT is_late IS NULL
        )
        THEN 1
        ELSE 0
      END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN delivered_carrier_ts IS NULL
        OR approved_ts IS NULL
        OR delivered_carrier_ts >= approved_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN delivered_customer_ts IS NULL
        OR delivered_carrier_ts IS NULL
        OR delivered_customer_ts >= delivered_carrier_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN order_status <> 'delivered' OR NOT delivered_customer_ts IS NULL
        THEN 1
        ELSE 0
      END = 0
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN order_status <> 'canceled' OR delivered_customer_ts IS NULL
        THEN 1
        ELSE 0
      END = 0
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created')
        THEN 1
        ELSE 0
      END = 0
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE
        WHEN items_count = 0 OR ABS(payment_total - order_total) <= 0.01
        THEN 1
        ELSE 0
      END = 0
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE WHEN payments_count > 0 THEN 1 ELSE 0 END = 0
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      CASE WHEN NOT review_score IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        order_id,
        COUNT(*) AS occurrences
      FROM dwh.fact_orders
      WHERE
        NOT order_id IS NULL
      GROUP BY
        order_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      order_id IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      customer_sk IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders AS __c
    WHERE
      NOT __c.customer_sk IS NULL
      AND NOT __c.customer_sk IN (
        SELECT
          __p.customer_sk
        FROM dwh.dim_customer AS __p
        WHERE
          NOT __p.customer_sk IS NULL
      )
  ) AS check_18,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      customer_unique_id IS NULL
  ) AS check_19,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      customer_state IS NULL
  ) AS check_20,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      date_key IS NULL
  ) AS check_21,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT __c.date_key IN (
        SELECT
          __p.date_key
        FROM dwh.dim_date AS __p
        WHERE
          NOT __p.date_key IS NULL
      )
  ) AS check_22,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      order_status IS NULL
  ) AS check_23,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      NOT order_status IS NULL
      AND NOT order_status IN (
        'created',
        'approved',
        'invoiced',
        'processing',
        'shipped',
        'delivered',
        'canceled',
        'unavailable'
      )
  ) AS check_24,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      purchase_ts IS NULL
  ) AS check_25,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      estimated_delivery_date IS NULL
  ) AS check_26,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      items_count IS NULL
  ) AS check_27,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      items_total IS NULL
  ) AS check_28,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      freight_total IS NULL
  ) AS check_29,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      order_total IS NULL
  ) AS check_30,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      payments_count IS NULL
  ) AS check_31,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      payment_total IS NULL
  ) AS check_32,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      main_payment_type IS NULL
  ) AS check_33,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      NOT main_payment_type IS NULL
      AND NOT main_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_34,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_orders
    WHERE
      NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)
  ) AS check_35;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_orders
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
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0
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
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE WHEN order_total = items_total + freight_total THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE WHEN approved_ts IS NULL OR approved_ts >= purchase_ts THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts
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
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN (
          delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL
        )
        OR (
          NOT delivered_customer_ts IS NULL AND delivery_days >= 0 AND NOT is_late IS NULL
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
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN delivered_carrier_ts IS NULL
        OR approved_ts IS NULL
        OR delivered_carrier_ts >= approved_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN delivered_customer_ts IS NULL
        OR delivered_carrier_ts IS NULL
        OR delivered_customer_ts >= delivered_carrier_ts
        THEN 1
        ELSE 0
      END = 0
  ) AS check_8,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN order_status <> 'delivered' OR NOT delivered_customer_ts IS NULL
        THEN 1
        ELSE 0
      END = 0
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN order_status <> 'canceled' OR delivered_customer_ts IS NULL
        THEN 1
        ELSE 0
      END = 0
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created')
        THEN 1
        ELSE 0
      END = 0
  ) AS check_11,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE
        WHEN items_count = 0 OR ABS(payment_total - order_total) <= 0.01
        THEN 1
        ELSE 0
      END = 0
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE WHEN payments_count > 0 THEN 1 ELSE 0 END = 0
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      CASE WHEN NOT review_score IS NULL THEN 1 ELSE 0 END = 0
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        order_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_orders
      ) AS fact_orders
      WHERE
        NOT order_id IS NULL
      GROUP BY
        order_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      order_id IS NULL
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      customer_sk IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
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
  ) AS check_18,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      customer_unique_id IS NULL
  ) AS check_19,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      customer_state IS NULL
  ) AS check_20,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      date_key IS NULL
  ) AS check_21,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
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
  ) AS check_22,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      order_status IS NULL
  ) AS check_23,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      NOT order_status IS NULL
      AND NOT order_status IN (
        'created',
        'approved',
        'invoiced',
        'processing',
        'shipped',
        'delivered',
        'canceled',
        'unavailable'
      )
  ) AS check_24,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      purchase_ts IS NULL
  ) AS check_25,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      estimated_delivery_date IS NULL
  ) AS check_26,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      items_count IS NULL
  ) AS check_27,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      items_total IS NULL
  ) AS check_28,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      freight_total IS NULL
  ) AS check_29,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      order_total IS NULL
  ) AS check_30,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      payments_count IS NULL
  ) AS check_31,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      payment_total IS NULL
  ) AS check_32,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      main_payment_type IS NULL
  ) AS check_33,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      NOT main_payment_type IS NULL
      AND NOT main_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')
  ) AS check_34,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_orders
    ) AS fact_orders
    WHERE
      NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)
  ) AS check_35;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_orders HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.fact_orders
  HAVING
    COUNT(*) < 1
) AS __f;

-- check expression(totals_not_negative) [error]: items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0
    THEN 1
    ELSE 0
  END = 0;

-- check expression(order_total_is_sum) [error]: order_total = items_total + freight_total
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN order_total = items_total + freight_total THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE WHEN order_total = items_total + freight_total THEN 1 ELSE 0 END = 0;

-- check expression(approved_after_purchase) [error]: approved_ts IS NULL OR approved_ts >= purchase_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN approved_ts IS NULL OR approved_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE WHEN approved_ts IS NULL OR approved_ts >= purchase_ts THEN 1 ELSE 0 END = 0;

-- check expression(delivered_after_purchase) [error]: delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts
    THEN 1
    ELSE 0
  END = 0;

-- check expression(delivery_fields_consistent) [error]: (delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL) OR (delivered_customer_ts IS NOT NULL AND delivery_days >= 0 AND is_late IS NOT NULL)
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN (delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL) OR (NOT delivered_customer_ts IS NULL AND delivery_days >= 0 AND NOT is_late IS NULL) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN (
      delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL
    )
    OR (
      NOT delivered_customer_ts IS NULL AND delivery_days >= 0 AND NOT is_late IS NULL
    )
    THEN 1
    ELSE 0
  END = 0;

-- check expression(carrier_after_approval) [warn]: delivered_carrier_ts IS NULL OR approved_ts IS NULL OR delivered_carrier_ts >= approved_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN delivered_carrier_ts IS NULL OR approved_ts IS NULL OR delivered_carrier_ts >= approved_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN delivered_carrier_ts IS NULL
    OR approved_ts IS NULL
    OR delivered_carrier_ts >= approved_ts
    THEN 1
    ELSE 0
  END = 0;

-- check expression(carrier_after_purchase) [warn]: delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts
    THEN 1
    ELSE 0
  END = 0;

-- check expression(customer_after_carrier) [warn]: delivered_customer_ts IS NULL OR delivered_carrier_ts IS NULL OR delivered_customer_ts >= delivered_carrier_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN delivered_customer_ts IS NULL OR delivered_carrier_ts IS NULL OR delivered_customer_ts >= delivered_carrier_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN delivered_customer_ts IS NULL
    OR delivered_carrier_ts IS NULL
    OR delivered_customer_ts >= delivered_carrier_ts
    THEN 1
    ELSE 0
  END = 0;

-- check expression(delivered_status_has_delivery_date) [warn]: order_status <> 'delivered' OR delivered_customer_ts IS NOT NULL
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN order_status <> 'delivered' OR NOT delivered_customer_ts IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN order_status <> 'delivered' OR NOT delivered_customer_ts IS NULL
    THEN 1
    ELSE 0
  END = 0;

-- check expression(canceled_not_delivered) [warn]: order_status <> 'canceled' OR delivered_customer_ts IS NULL
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN order_status <> 'canceled' OR delivered_customer_ts IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN order_status <> 'canceled' OR delivered_customer_ts IS NULL
    THEN 1
    ELSE 0
  END = 0;

-- check expression(fulfilled_order_has_items) [warn]: items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created')
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created') THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created')
    THEN 1
    ELSE 0
  END = 0;

-- check expression(payments_match_order_total) [warn]: items_count = 0 OR ABS(payment_total - order_total) <= 0.01
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN items_count = 0 OR ABS(payment_total - order_total) <= 0.01 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE
    WHEN items_count = 0 OR ABS(payment_total - order_total) <= 0.01
    THEN 1
    ELSE 0
  END = 0;

-- check expression(has_payment) [warn]: payments_count > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN payments_count > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE WHEN payments_count > 0 THEN 1 ELSE 0 END = 0;

-- check expression(has_review) [warn]: review_score IS NOT NULL
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE CASE WHEN NOT review_score IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  CASE WHEN NOT review_score IS NULL THEN 1 ELSE 0 END = 0;

-- check unique(order_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT order_id, COUNT(*) AS occurrences FROM dwh.fact_orders WHERE NOT order_id IS NULL GROUP BY order_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    order_id,
    COUNT(*) AS occurrences
  FROM dwh.fact_orders
  WHERE
    NOT order_id IS NULL
  GROUP BY
    order_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(order_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE order_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  order_id IS NULL;

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  customer_sk IS NULL;

-- check relationships(customer_sk -> dim_customer.customer_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders AS __c WHERE NOT __c.customer_sk IS NULL AND NOT __c.customer_sk IN (SELECT __p.customer_sk FROM dwh.dim_customer AS __p WHERE NOT __p.customer_sk IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders AS __c
WHERE
  NOT __c.customer_sk IS NULL
  AND NOT __c.customer_sk IN (
    SELECT
      __p.customer_sk
    FROM dwh.dim_customer AS __p
    WHERE
      NOT __p.customer_sk IS NULL
  );

-- check not_null(customer_unique_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE customer_unique_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  customer_unique_id IS NULL;

-- check not_null(customer_state) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE customer_state IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  customer_state IS NULL;

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  date_key IS NULL;

-- check relationships(date_key -> dim_date.date_key) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders AS __c WHERE NOT __c.date_key IS NULL AND NOT __c.date_key IN (SELECT __p.date_key FROM dwh.dim_date AS __p WHERE NOT __p.date_key IS NULL)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders AS __c
WHERE
  NOT __c.date_key IS NULL
  AND NOT __c.date_key IN (
    SELECT
      __p.date_key
    FROM dwh.dim_date AS __p
    WHERE
      NOT __p.date_key IS NULL
  );

-- check not_null(order_status) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE order_status IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  order_status IS NULL;

-- check accepted_values(order_status) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE NOT order_status IS NULL AND NOT order_status IN ('created', 'approved', 'invoiced', 'processing', 'shipped', 'delivered', 'canceled', 'unavailable')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  NOT order_status IS NULL
  AND NOT order_status IN (
    'created',
    'approved',
    'invoiced',
    'processing',
    'shipped',
    'delivered',
    'canceled',
    'unavailable'
  );

-- check not_null(purchase_ts) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE purchase_ts IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  purchase_ts IS NULL;

-- check not_null(estimated_delivery_date) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE estimated_delivery_date IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  estimated_delivery_date IS NULL;

-- check not_null(items_count) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE items_count IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  items_count IS NULL;

-- check not_null(items_total) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE items_total IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  items_total IS NULL;

-- check not_null(freight_total) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE freight_total IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  freight_total IS NULL;

-- check not_null(order_total) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE order_total IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  order_total IS NULL;

-- check not_null(payments_count) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE payments_count IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  payments_count IS NULL;

-- check not_null(payment_total) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE payment_total IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  payment_total IS NULL;

-- check not_null(main_payment_type) [warn]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE main_payment_type IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  main_payment_type IS NULL;

-- check accepted_values(main_payment_type) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE NOT main_payment_type IS NULL AND NOT main_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  NOT main_payment_type IS NULL
  AND NOT main_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined');

-- check accepted_values(review_score) [error]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_orders WHERE NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_orders
WHERE
  NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5);

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_orders HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(totals_not_negative): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN items_total >= 0 AND freight_total >= 0 AND payment_total >= 0 AND items_count >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(order_total_is_sum): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN order_total = items_total + freight_total THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(approved_after_purchase): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN approved_ts IS NULL OR approved_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(delivered_after_purchase): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN delivered_customer_ts IS NULL OR delivered_customer_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(delivery_fields_consistent): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN (delivered_customer_ts IS NULL AND delivery_days IS NULL AND is_late IS NULL) OR (NOT delivered_customer_ts IS NULL AND delivery_days >= 0 AND NOT is_late IS NULL) THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(carrier_after_approval): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN delivered_carrier_ts IS NULL OR approved_ts IS NULL OR delivered_carrier_ts >= approved_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(carrier_after_purchase): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN delivered_carrier_ts IS NULL OR delivered_carrier_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(customer_after_carrier): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN delivered_customer_ts IS NULL OR delivered_carrier_ts IS NULL OR delivered_customer_ts >= delivered_carrier_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(delivered_status_has_delivery_date): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN order_status <> 'delivered' OR NOT delivered_customer_ts IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(canceled_not_delivered): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN order_status <> 'canceled' OR delivered_customer_ts IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(fulfilled_order_has_items): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN items_count > 0 OR order_status IN ('canceled', 'unavailable', 'created') THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(payments_match_order_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN items_count = 0 OR ABS(payment_total - order_total) <= 0.01 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(has_payment): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN payments_count > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(has_review): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE CASE WHEN NOT review_score IS NULL THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(order_id): SELECT * FROM (SELECT order_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE NOT order_id IS NULL GROUP BY order_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE order_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_sk -> dim_customer.customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_unique_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE customer_unique_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_state): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE customer_state IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE date_key IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(date_key -> dim_date.date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_status): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE order_status IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(order_status): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE NOT order_status IS NULL AND NOT order_status IN ('created', 'approved', 'invoiced', 'processing', 'shipped', 'delivered', 'canceled', 'unavailable')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(purchase_ts): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE purchase_ts IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(estimated_delivery_date): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE estimated_delivery_date IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(items_count): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE items_count IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(items_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE items_total IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(freight_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE freight_total IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE order_total IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payments_count): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE payments_count IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(payment_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE payment_total IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(main_payment_type): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE main_payment_type IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(main_payment_type): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE NOT main_payment_type IS NULL AND NOT main_payment_type IN ('credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined')) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check accepted_values(review_score): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_orders) AS fact_orders WHERE NOT review_score IS NULL AND NOT review_score IN (1, 2, 3, 4, 5)) AS __f LIMIT 5
