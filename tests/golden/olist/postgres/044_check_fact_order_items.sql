-- step check:fact_order_items
-- after: build:fact_order_items, build:dim_customer, build:dim_date, build:dim_product, build:dim_seller, build:fact_orders

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_order_items
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
        order_item_id,
        COUNT(*) AS occurrences
      FROM dwh.fact_order_items
      WHERE
        NOT order_id IS NULL OR NOT order_item_id IS NULL
      GROUP BY
        order_id,
        order_item_id
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      CASE WHEN price > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      CASE WHEN freight_value >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      CASE WHEN item_total = price + freight_value THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      CASE WHEN order_item_id >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      CASE WHEN shipping_limit_ts >= purchase_ts THEN 1 ELSE 0 END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      order_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items AS __c
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
    FROM dwh.fact_order_items
    WHERE
      order_item_id IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      customer_sk IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items AS __c
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
    FROM dwh.fact_order_items
    WHERE
      product_sk IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items AS __c
    WHERE
      NOT __c.product_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_product AS __p
        WHERE
          __p.product_sk = __c.product_sk
      )
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      category_name IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      seller_sk IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items AS __c
    WHERE
      NOT __c.seller_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_seller AS __p
        WHERE
          __p.seller_sk = __c.seller_sk
      )
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      date_key IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items AS __c
    WHERE
      NOT __c.date_key IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_date AS __p
        WHERE
          __p.date_key = __c.date_key
      )
  ) AS check_18,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      purchase_ts IS NULL
  ) AS check_19,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      price IS NULL
  ) AS check_20,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      freight_value IS NULL
  ) AS check_21,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.fact_order_items
    WHERE
      item_total IS NULL
  ) AS check_22;

-- when its inputs' changes are known (a scoped build): report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        COUNT(*) AS row_count
      FROM dwh.fact_order_items
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
        order_item_id,
        COUNT(*) AS occurrences
      FROM (
        SELECT
          *
        FROM __src_fact_order_items
      ) AS fact_order_items
      WHERE
        NOT order_id IS NULL OR NOT order_item_id IS NULL
      GROUP BY
        order_id,
        order_item_id
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
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      CASE WHEN price > 0 THEN 1 ELSE 0 END = 0
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      CASE WHEN freight_value >= 0 THEN 1 ELSE 0 END = 0
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      CASE WHEN item_total = price + freight_value THEN 1 ELSE 0 END = 0
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      CASE WHEN order_item_id >= 1 THEN 1 ELSE 0 END = 0
  ) AS check_5,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      CASE WHEN shipping_limit_ts >= purchase_ts THEN 1 ELSE 0 END = 0
  ) AS check_6,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      order_id IS NULL
  ) AS check_7,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
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
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      order_item_id IS NULL
  ) AS check_9,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      customer_sk IS NULL
  ) AS check_10,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
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
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      product_sk IS NULL
  ) AS check_12,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS __c
    WHERE
      NOT __c.product_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_product AS __p
        WHERE
          __p.product_sk = __c.product_sk
      )
  ) AS check_13,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      category_name IS NULL
  ) AS check_14,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      seller_sk IS NULL
  ) AS check_15,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS __c
    WHERE
      NOT __c.seller_sk IS NULL
      AND NOT EXISTS(
        SELECT
          1
        FROM dwh.dim_seller AS __p
        WHERE
          __p.seller_sk = __c.seller_sk
      )
  ) AS check_16,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      date_key IS NULL
  ) AS check_17,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
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
  ) AS check_18,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      purchase_ts IS NULL
  ) AS check_19,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      price IS NULL
  ) AS check_20,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      freight_value IS NULL
  ) AS check_21,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        *
      FROM __src_fact_order_items
    ) AS fact_order_items
    WHERE
      item_total IS NULL
  ) AS check_22;

-- check min_row_count(1) [error]: enough rows
-- sample of failing rows: SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_order_items HAVING COUNT(*) < 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    COUNT(*) AS row_count
  FROM dwh.fact_order_items
  HAVING
    COUNT(*) < 1
) AS __f;

-- check unique(order_id, order_item_id) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT order_id, order_item_id, COUNT(*) AS occurrences FROM dwh.fact_order_items WHERE NOT order_id IS NULL OR NOT order_item_id IS NULL GROUP BY order_id, order_item_id HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    order_id,
    order_item_id,
    COUNT(*) AS occurrences
  FROM dwh.fact_order_items
  WHERE
    NOT order_id IS NULL OR NOT order_item_id IS NULL
  GROUP BY
    order_id,
    order_item_id
  HAVING
    COUNT(*) > 1
) AS __f;

-- check expression(price_positive) [error]: price > 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE CASE WHEN price > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  CASE WHEN price > 0 THEN 1 ELSE 0 END = 0;

-- check expression(freight_not_negative) [error]: freight_value >= 0
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE CASE WHEN freight_value >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  CASE WHEN freight_value >= 0 THEN 1 ELSE 0 END = 0;

-- check expression(item_total_is_sum) [error]: item_total = price + freight_value
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE CASE WHEN item_total = price + freight_value THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  CASE WHEN item_total = price + freight_value THEN 1 ELSE 0 END = 0;

-- check expression(item_id_positive) [error]: order_item_id >= 1
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE CASE WHEN order_item_id >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  CASE WHEN order_item_id >= 1 THEN 1 ELSE 0 END = 0;

-- check expression(shipping_limit_after_purchase) [warn]: shipping_limit_ts >= purchase_ts
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE CASE WHEN shipping_limit_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  CASE WHEN shipping_limit_ts >= purchase_ts THEN 1 ELSE 0 END = 0;

-- check not_null(order_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE order_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  order_id IS NULL;

-- check relationships(order_id -> fact_orders.order_id) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items AS __c WHERE NOT __c.order_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.fact_orders AS __p WHERE __p.order_id = __c.order_id)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items AS __c
WHERE
  NOT __c.order_id IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.fact_orders AS __p
    WHERE
      __p.order_id = __c.order_id
  );

-- check not_null(order_item_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE order_item_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  order_item_id IS NULL;

-- check not_null(customer_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE customer_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  customer_sk IS NULL;

-- check relationships(customer_sk -> dim_customer.customer_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items AS __c
WHERE
  NOT __c.customer_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_customer AS __p
    WHERE
      __p.customer_sk = __c.customer_sk
  );

-- check not_null(product_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE product_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  product_sk IS NULL;

-- check relationships(product_sk -> dim_product.product_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items AS __c WHERE NOT __c.product_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_product AS __p WHERE __p.product_sk = __c.product_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items AS __c
WHERE
  NOT __c.product_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_product AS __p
    WHERE
      __p.product_sk = __c.product_sk
  );

-- check not_null(category_name) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE category_name IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  category_name IS NULL;

-- check not_null(seller_sk) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE seller_sk IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  seller_sk IS NULL;

-- check relationships(seller_sk -> dim_seller.seller_sk) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items AS __c WHERE NOT __c.seller_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_seller AS __p WHERE __p.seller_sk = __c.seller_sk)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items AS __c
WHERE
  NOT __c.seller_sk IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_seller AS __p
    WHERE
      __p.seller_sk = __c.seller_sk
  );

-- check not_null(date_key) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE date_key IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  date_key IS NULL;

-- check relationships(date_key -> dim_date.date_key) [error]: every value exists in the parent
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items AS __c
WHERE
  NOT __c.date_key IS NULL
  AND NOT EXISTS(
    SELECT
      1
    FROM dwh.dim_date AS __p
    WHERE
      __p.date_key = __c.date_key
  );

-- check not_null(purchase_ts) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE purchase_ts IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  purchase_ts IS NULL;

-- check not_null(price) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE price IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  price IS NULL;

-- check not_null(freight_value) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE freight_value IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  freight_value IS NULL;

-- check not_null(item_total) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.fact_order_items WHERE item_total IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.fact_order_items
WHERE
  item_total IS NULL;

-- when its inputs' changes are known (a scoped build): sample of failing rows of check min_row_count(1): SELECT * FROM (SELECT COUNT(*) AS row_count FROM dwh.fact_order_items HAVING COUNT(*) < 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check unique(order_id, order_item_id): SELECT * FROM (SELECT order_id, order_item_id, COUNT(*) AS occurrences FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE NOT order_id IS NULL OR NOT order_item_id IS NULL GROUP BY order_id, order_item_id HAVING COUNT(*) > 1) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(price_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE CASE WHEN price > 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(freight_not_negative): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE CASE WHEN freight_value >= 0 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(item_total_is_sum): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE CASE WHEN item_total = price + freight_value THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(item_id_positive): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE CASE WHEN order_item_id >= 1 THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check expression(shipping_limit_after_purchase): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE CASE WHEN shipping_limit_ts >= purchase_ts THEN 1 ELSE 0 END = 0) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE order_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(order_id -> fact_orders.order_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS __c WHERE NOT __c.order_id IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.fact_orders AS __p WHERE __p.order_id = __c.order_id)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(order_item_id): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE order_item_id IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE customer_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(customer_sk -> dim_customer.customer_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS __c WHERE NOT __c.customer_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_customer AS __p WHERE __p.customer_sk = __c.customer_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(product_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE product_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(product_sk -> dim_product.product_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS __c WHERE NOT __c.product_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_product AS __p WHERE __p.product_sk = __c.product_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(category_name): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE category_name IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(seller_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE seller_sk IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(seller_sk -> dim_seller.seller_sk): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS __c WHERE NOT __c.seller_sk IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_seller AS __p WHERE __p.seller_sk = __c.seller_sk)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE date_key IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check relationships(date_key -> dim_date.date_key): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS __c WHERE NOT __c.date_key IS NULL AND NOT EXISTS(SELECT 1 FROM dwh.dim_date AS __p WHERE __p.date_key = __c.date_key)) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(purchase_ts): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE purchase_ts IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(price): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE price IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(freight_value): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE freight_value IS NULL) AS __f LIMIT 5

-- when its inputs' changes are known (a scoped build): sample of failing rows of check not_null(item_total): SELECT * FROM (SELECT * FROM (SELECT * FROM __src_fact_order_items) AS fact_order_items WHERE item_total IS NULL) AS __f LIMIT 5
