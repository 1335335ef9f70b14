-- step check:dim_member
-- after: build:dim_member

-- report: failing rows of every check, in check order
SELECT
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        member_sk,
        COUNT(*) AS occurrences
      FROM dwh.dim_member
      WHERE
        NOT member_sk IS NULL
      GROUP BY
        member_sk
      HAVING
        COUNT(*) > 1
    ) AS __f
  ) AS check_0,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_member
    WHERE
      member_id IS NULL
  ) AS check_1,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_member
    WHERE
      NOT tier IS NULL AND NOT tier IN ('bronze', 'silver', 'gold')
  ) AS check_2,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        member_id,
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
      FROM dwh.dim_member
      GROUP BY
        member_id
      HAVING
        SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1
    ) AS __f
  ) AS check_3,
  (
    SELECT
      COUNT(*) AS failures
    FROM dwh.dim_member
    WHERE
      valid_from >= valid_to
      OR is_current <> (
        valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
      )
  ) AS check_4,
  (
    SELECT
      COUNT(*) AS failures
    FROM (
      SELECT
        member_id,
        valid_from,
        valid_to,
        LEAD(valid_from) OVER (PARTITION BY member_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
      FROM dwh.dim_member
    ) AS __w
    WHERE
      NOT next_valid_from IS NULL AND next_valid_from < valid_to
  ) AS check_5;

-- check unique(member_sk) [error]: one row per value
-- sample of failing rows: SELECT * FROM (SELECT member_sk, COUNT(*) AS occurrences FROM dwh.dim_member WHERE NOT member_sk IS NULL GROUP BY member_sk HAVING COUNT(*) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    member_sk,
    COUNT(*) AS occurrences
  FROM dwh.dim_member
  WHERE
    NOT member_sk IS NULL
  GROUP BY
    member_sk
  HAVING
    COUNT(*) > 1
) AS __f;

-- check not_null(member_id) [error]: no NULLs
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_member WHERE member_id IS NULL) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_member
WHERE
  member_id IS NULL;

-- check accepted_values(tier) [warn]: values from the list
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_member WHERE NOT tier IS NULL AND NOT tier IN ('bronze', 'silver', 'gold')) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_member
WHERE
  NOT tier IS NULL AND NOT tier IN ('bronze', 'silver', 'gold');

-- check scd2_one_current_row_per_key [error]: at most one current version per key
-- sample of failing rows: SELECT * FROM (SELECT member_id, SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows FROM dwh.dim_member GROUP BY member_id HAVING SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    member_id,
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) AS current_rows
  FROM dwh.dim_member
  GROUP BY
    member_id
  HAVING
    SUM(CASE WHEN is_current = TRUE THEN 1 ELSE 0 END) > 1
) AS __f;

-- check scd2_valid_windows [error]: valid_from < valid_to; is_current iff open
-- sample of failing rows: SELECT * FROM (SELECT * FROM dwh.dim_member WHERE valid_from >= valid_to OR is_current <> (valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP))) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM dwh.dim_member
WHERE
  valid_from >= valid_to
  OR is_current <> (
    valid_to = CAST('9999-12-31 00:00:00' AS TIMESTAMP)
  );

-- check scd2_no_overlaps [error]: consecutive versions of a key touch without overlapping
-- sample of failing rows: SELECT * FROM (SELECT * FROM (SELECT member_id, valid_from, valid_to, LEAD(valid_from) OVER (PARTITION BY member_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from FROM dwh.dim_member) AS __w WHERE NOT next_valid_from IS NULL AND next_valid_from < valid_to) AS __f LIMIT 5
SELECT
  COUNT(*) AS failures
FROM (
  SELECT
    member_id,
    valid_from,
    valid_to,
    LEAD(valid_from) OVER (PARTITION BY member_id ORDER BY valid_from ASC NULLS FIRST) AS next_valid_from
  FROM dwh.dim_member
) AS __w
WHERE
  NOT next_valid_from IS NULL AND next_valid_from < valid_to;
