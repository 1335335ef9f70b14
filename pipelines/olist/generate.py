"""Olist-shaped data at any scale, calibrated on the bundled real sample. Deterministic.

The full Olist release (99,441 orders, ~1.55 M rows with geolocation) is not available here,
so larger runs resample the real rows: every generated order copies a real order (status,
milestone timestamps, estimated delivery, its items with their prices and freight, its
payments with types, installments and values, its reviews with scores and dates), with new
ids and a small shift in time; customers repeat and sometimes move (a repeat order keeps the
person and, one time in four, changes address); products and sellers are real rows under new
ids (products without category included), review ids are occasionally shared by two orders,
and geolocation rows are real points, jittered, with exact duplicates like the original feed.
Randomness is a hash of the row number and a seed, so a factor always gives the same bytes.

Factor 1 is the size of the real release; the output is gzipped CSV named like the originals.

    python pipelines/olist/generate.py pipelines/olist/sample out/olist_x1 --factor 1
"""

from __future__ import annotations

import argparse
import os
import time

REAL = {"orders": 99_441, "products": 32_951, "sellers": 3_095, "geolocation": 1_000_163}
REPEAT_PER_MILLE = 34  # ~3.4 % of orders come from a person who ordered before (96,096 people / 99,441 orders)
MOVE_PER_MILLE = 250  # one repeat order in four ships to a new address
SHARED_REVIEW_PER_MILLE = 8  # review ids reused across orders, as in the real feed


def _sql(con, text: str) -> None:
    # Tooling beside the pipeline, not the framework: the SQL only splices integers and this
    # script's own file paths, so it is written as text.
    con.execute(text)


def generate(sample: str, out: str, factor: float, seed: int = 42) -> dict[str, int]:
    import duckdb

    os.makedirs(out, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")

    def real(name: str, file: str) -> None:
        path = os.path.join(sample, file)
        con.execute(
            f"CREATE TABLE real_{name} AS SELECT *, row_number() OVER () - 1 AS rn "
            f"FROM read_csv('{path}', header = true, all_varchar = true)"
        )

    for name, file in [
        ("orders", "olist_orders_dataset.csv.gz"),
        ("customers", "olist_customers_dataset.csv.gz"),
        ("items", "olist_order_items_dataset.csv.gz"),
        ("payments", "olist_order_payments_dataset.csv.gz"),
        ("reviews", "olist_order_reviews_dataset.csv.gz"),
        ("products", "olist_products_dataset.csv.gz"),
        ("sellers", "olist_sellers_dataset.csv.gz"),
        ("geo", "olist_geolocation_dataset.csv.gz"),
    ]:
        real(name, file)
    n_orders = max(1, int(REAL["orders"] * factor))
    n_products = max(1, int(REAL["products"] * factor))
    n_sellers = max(1, int(REAL["sellers"] * factor))
    n_geo = max(1, int(REAL["geolocation"] * factor))
    counts = {
        t: con.execute(f"SELECT COUNT(*) FROM real_{t}").fetchone()[0] for t in ("orders", "products", "sellers", "geo")
    }
    h = f"hash(i, {seed}"  # h + ', k)' is the k-th random stream of row i

    # Orders: each copies a real one; a person repeats or moves by hashed chance.
    _sql(
        con,
        f"""
        CREATE TABLE gen_orders AS
        SELECT i, md5('o' || i) AS order_id, md5('c' || i) AS customer_id,
               t.rn AS tpl, CAST({h}, 1) % 1441 AS BIGINT) - 720 AS shift_min,
               CASE WHEN i > 0 AND {h}, 2) % 1000 < {REPEAT_PER_MILLE} THEN {h}, 3) % i ELSE i END AS person,
               CASE WHEN {h}, 4) % 1000 < {MOVE_PER_MILLE} THEN i ELSE 0 END AS address_version
        FROM range({n_orders}) r(i) JOIN real_orders t ON t.rn = {h}, 0) % {counts["orders"]}""",
    )

    def ts(column: str) -> str:
        return f"strftime(try_strptime({column}, '%Y-%m-%d %H:%M:%S') + to_minutes(g.shift_min), '%Y-%m-%d %H:%M:%S')"

    def copy(select: str, file: str) -> int:
        path = os.path.join(out, file)
        con.execute(f"COPY ({select}) TO '{path}' (HEADER, DELIMITER ',', COMPRESSION gzip)")
        return (
            con.execute(f"SELECT COUNT(*) FROM read_csv('{path}', header = true, all_varchar = true)").fetchone()[0]
            if factor <= 2
            else -1
        )

    written = {}
    written["orders"] = copy(
        f"""
        SELECT g.order_id, g.customer_id, t.order_status,
               {ts("t.order_purchase_timestamp")} AS order_purchase_timestamp,
               {ts("t.order_approved_at")} AS order_approved_at,
               {ts("t.order_delivered_carrier_date")} AS order_delivered_carrier_date,
               {ts("t.order_delivered_customer_date")} AS order_delivered_customer_date,
               t.order_estimated_delivery_date
        FROM gen_orders g JOIN real_orders t ON t.rn = g.tpl ORDER BY g.i""",
        "olist_orders_dataset.csv.gz",
    )
    # A person's address: a real customer's, chosen by (person, address version).
    written["customers"] = copy(
        f"""
        SELECT g.customer_id, md5('p' || g.person) AS customer_unique_id,
               a.customer_zip_code_prefix, a.customer_city, a.customer_state
        FROM gen_orders g
        JOIN real_customers a ON a.rn = hash(g.person, g.address_version, {seed}) % {
            con.execute("SELECT COUNT(*) FROM real_customers").fetchone()[0]
        }
        ORDER BY g.i""",
        "olist_customers_dataset.csv.gz",
    )
    written["order_items"] = copy(
        f"""
        SELECT g.order_id, it.order_item_id,
               md5('pr' || (hash(g.i, it.order_item_id, {seed}, 5) % {n_products})) AS product_id,
               md5('s' || (hash(g.i, {seed}, 6) % {n_sellers})) AS seller_id,
               {ts("it.shipping_limit_date")} AS shipping_limit_date,
               printf('%.2f', CAST(it.price AS DECIMAL(12, 2))) AS price,
               printf('%.2f', CAST(it.freight_value AS DECIMAL(12, 2))) AS freight_value
        FROM gen_orders g JOIN real_orders t ON t.rn = g.tpl JOIN real_items it ON it.order_id = t.order_id
        ORDER BY g.i, CAST(it.order_item_id AS INTEGER)""",
        "olist_order_items_dataset.csv.gz",
    )
    written["order_payments"] = copy(
        """
        SELECT g.order_id, p.payment_sequential, p.payment_type, p.payment_installments,
               printf('%.2f', CAST(p.payment_value AS DECIMAL(12, 2))) AS payment_value
        FROM gen_orders g JOIN real_orders t ON t.rn = g.tpl JOIN real_payments p ON p.order_id = t.order_id
        ORDER BY g.i, CAST(p.payment_sequential AS INTEGER)""",
        "olist_order_payments_dataset.csv.gz",
    )
    written["order_reviews"] = copy(
        f"""
        SELECT CASE WHEN g.i > 0 AND {h.replace("i,", "g.i,")}, 7) % 1000 < {SHARED_REVIEW_PER_MILLE}
                    THEN md5('r' || (g.i - 1)) ELSE md5('r' || g.i) END AS review_id,
               g.order_id, rv.review_score, rv.review_comment_title, rv.review_comment_message,
               strftime(CAST(try_strptime(rv.review_creation_date, '%Y-%m-%d %H:%M:%S') AS DATE), '%Y-%m-%d 00:00:00')
                   AS review_creation_date,
               rv.review_answer_timestamp
        FROM gen_orders g JOIN real_orders t ON t.rn = g.tpl JOIN real_reviews rv ON rv.order_id = t.order_id
        QUALIFY row_number() OVER (PARTITION BY g.order_id, rv.review_id) = 1
        ORDER BY g.i""",
        "olist_order_reviews_dataset.csv.gz",
    )
    written["products"] = copy(
        f"""
        SELECT md5('pr' || i) AS product_id, p.product_category_name, p.product_name_lenght,
               p.product_description_lenght, p.product_photos_qty, p.product_weight_g, p.product_length_cm,
               p.product_height_cm, p.product_width_cm
        FROM range({n_products}) r(i) JOIN real_products p ON p.rn = {h}, 8) % {counts["products"]}
        ORDER BY i""",
        "olist_products_dataset.csv.gz",
    )
    written["sellers"] = copy(
        f"""
        SELECT md5('s' || i) AS seller_id, s.seller_zip_code_prefix, s.seller_city, s.seller_state
        FROM range({n_sellers}) r(i) JOIN real_sellers s ON s.rn = {h}, 9) % {counts["sellers"]}
        ORDER BY i""",
        "olist_sellers_dataset.csv.gz",
    )
    # Geolocation: real points, jittered, 4 in 10 rows an exact duplicate of the row before.
    written["geolocation"] = copy(
        f"""
        SELECT geolocation_zip_code_prefix, geolocation_lat, geolocation_lng, geolocation_city, geolocation_state
        FROM (
            SELECT i, g.geolocation_zip_code_prefix,
                   CAST(g.geolocation_lat AS DOUBLE) + (CAST(hash(CASE WHEN {h}, 10) % 10 < 4 THEN i - 1 ELSE i END,
                        {seed}, 11) % 2001 AS BIGINT) - 1000) / 1e6 AS geolocation_lat,
                   CAST(g.geolocation_lng AS DOUBLE) + (CAST(hash(CASE WHEN {h}, 10) % 10 < 4 THEN i - 1 ELSE i END,
                        {seed}, 12) % 2001 AS BIGINT) - 1000) / 1e6 AS geolocation_lng,
                   g.geolocation_city, g.geolocation_state
            FROM range({n_geo}) r(i)
            JOIN real_geo g ON g.rn = hash(CASE WHEN {h}, 10) % 10 < 4 THEN i - 1 ELSE i END, {seed}, 13)
                                      % {counts["geo"]}
        ) ORDER BY i""",
        "olist_geolocation_dataset.csv.gz",
    )
    translation = os.path.join(sample, "product_category_name_translation.csv.gz")
    with open(translation, "rb") as src, open(os.path.join(out, os.path.basename(translation)), "wb") as dst:
        dst.write(src.read())
    written["category_translation"] = 71
    con.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sample", help="folder of the real sample (pipelines/olist/sample)")
    parser.add_argument("out")
    parser.add_argument("--factor", type=float, default=1.0, help="1 = the real release's size")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = generate(args.sample, args.out, args.factor, args.seed)
    shown = ", ".join(f"{k} {v:,}" for k, v in rows.items() if v >= 0)
    print(f"factor {args.factor:g} in {time.perf_counter() - started:.1f}s: {shown or 'row counts skipped'}")


if __name__ == "__main__":
    main()
