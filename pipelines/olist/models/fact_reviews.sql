-- fact_reviews: one row per review and order (grain: review_id, order_id).
-- Inner joins: a review that arrives before its order (the feed has reviews dated before the
-- purchase) waits in staging and enters the fact in the run that brings its order.
SELECT
    r.review_id,
    r.order_id,
    dc.customer_sk,
    CAST(r.review_creation_date AS DATE) AS date_key,
    CAST(o.order_purchase_timestamp AS DATE) AS purchase_date,
    r.review_score,
    r.review_comment_title AS comment_title,
    r.review_comment_message AS comment_message,
    CASE
        WHEN r.review_comment_title IS NOT NULL OR r.review_comment_message IS NOT NULL THEN TRUE
        ELSE FALSE
    END AS has_comment,
    r.review_creation_date AS created_ts,
    r.review_answer_timestamp AS answered_ts,
    CAST(DATEDIFF(day, CAST(r.review_creation_date AS DATE), CAST(r.review_answer_timestamp AS DATE)) AS INTEGER) AS answer_days
FROM order_reviews r
JOIN orders o
  ON o.order_id = r.order_id
JOIN customers c
  ON c.customer_id = o.customer_id
JOIN dim_customer dc
  ON dc.customer_unique_id = c.customer_unique_id
 AND dc.valid_from <= o.order_purchase_timestamp
 AND o.order_purchase_timestamp < dc.valid_to
