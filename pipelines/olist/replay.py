"""Slice an Olist snapshot into the landing batches production would have received.

Olist publishes one snapshot; a production feed delivers daily files. This tool (it needs
nothing from the framework: stdlib only) replays the snapshot by event time:

- an order lands on its purchase date (status 'created'), again on its approval date
  ('approved'), carrier date ('shipped') and delivery date ('delivered'), each time with the
  milestones known by then; its last landing carries the real final row (canceled,
  unavailable, invoiced ... included). Several milestones in one batch land once, as of the
  last of them;
- its items, payments and customer row (customer_id is per order, so an address change is a
  new row for the same customer_unique_id) land with it on its purchase date;
- a review lands on its creation date;
- a product or seller lands when first sold (never sold: with the first batch); geolocation and
  the category translation are reference data and land with the first batch.

`--period month` groups the same events by month (each order's state as of the month's end).
`--every-source` delivers every source in every batch, header-only where the batch has no rows
(the snapshot sources too: an empty snapshot keeps the table it would replace).
Every batch folder holds files named like the originals, so the source specs' landing paths
match them. Loading the batches in order ends in the same star schema as loading the snapshot.

    python pipelines/olist/replay.py pipelines/olist/sample out/replay --period day
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
from collections import defaultdict

FILES = {
    "orders": "olist_orders_dataset.csv",
    "customers": "olist_customers_dataset.csv",
    "items": "olist_order_items_dataset.csv",
    "payments": "olist_order_payments_dataset.csv",
    "reviews": "olist_order_reviews_dataset.csv",
    "products": "olist_products_dataset.csv",
    "sellers": "olist_sellers_dataset.csv",
    "geolocation": "olist_geolocation_dataset.csv",
    "translation": "product_category_name_translation.csv",
}
MILESTONES = (
    ("order_purchase_timestamp", "created"),
    ("order_approved_at", "approved"),
    ("order_delivered_carrier_date", "shipped"),
    ("order_delivered_customer_date", "delivered"),
)


def read(folder: str, name: str) -> tuple[list[str], list[dict]]:
    path = next(os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.startswith(name))
    raw = open(path, "rb").read()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames), list(reader)


def period_of(timestamp: str, period: str) -> str:
    return timestamp[:10] if period == "day" else timestamp[:7] + "-01"


def order_landings(order: dict, period: str) -> dict[str, dict]:
    """batch -> the order's row as known at the end of that batch."""
    landings: dict[str, dict] = {}
    known: dict[str, str] = {}
    # a milestone the data puts before the purchase (a carrier date earlier than it, as some real
    # Olist orders have) is known no earlier than the purchase: its row must carry the purchase
    purchased = order["order_purchase_timestamp"]
    events = [
        (max(order[column], purchased), rank, column, status)
        for rank, (column, status) in enumerate(MILESTONES)
        if order[column]
    ]
    events.sort()
    for when, _, column, status in events:
        known[column] = order[column]
        row = {key: "" for key in order}
        row.update(
            order_id=order["order_id"],
            customer_id=order["customer_id"],
            order_status=status,
            order_estimated_delivery_date=order["order_estimated_delivery_date"],
            **known,
        )
        landings[period_of(when, period)] = row
    final_batch = max(landings) if landings else period_of(order["order_purchase_timestamp"], period)
    landings[final_batch] = dict(order)  # the real row, final status and all
    return landings


def replay(source: str, out: str, period: str, every_source: bool = False) -> list[str]:
    tables = {key: read(source, name) for key, name in FILES.items()}
    batches: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    orders = tables["orders"][1]
    purchase_batch = {o["order_id"]: period_of(o["order_purchase_timestamp"], period) for o in orders}
    customers = {c["customer_id"]: c for c in tables["customers"][1]}
    for order in orders:
        for batch, row in order_landings(order, period).items():
            batches[batch]["orders"].append(row)
        batches[purchase_batch[order["order_id"]]]["customers"].append(customers[order["customer_id"]])
    first_sold: dict[tuple[str, str], str] = {}
    for item in tables["items"][1]:
        batch = purchase_batch[item["order_id"]]
        batches[batch]["items"].append(item)
        for kind, key in (("products", item["product_id"]), ("sellers", item["seller_id"])):
            first_sold[(kind, key)] = min(first_sold.get((kind, key), batch), batch)
    for payment in tables["payments"][1]:
        batches[purchase_batch[payment["order_id"]]]["payments"].append(payment)
    for review in tables["reviews"][1]:
        batches[period_of(review["review_creation_date"], period)]["reviews"].append(review)
    first = min(batches)
    for kind, key_column in (("products", "product_id"), ("sellers", "seller_id")):
        for row in tables[kind][1]:
            batches[first_sold.get((kind, row[key_column]), first)][kind].append(row)
    batches[first]["geolocation"] = tables["geolocation"][1]
    batches[first]["translation"] = tables["translation"][1]
    for batch, contents in sorted(batches.items()):
        folder = os.path.join(out, batch)
        os.makedirs(folder, exist_ok=True)
        for key in FILES if every_source else list(contents):
            header, rows = tables[key][0], contents.get(key, [])
            with open(os.path.join(folder, FILES[key]), "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    return sorted(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="folder with the Olist CSVs (gzip or not)")
    parser.add_argument("out", help="folder to write one sub-folder per batch into")
    parser.add_argument("--period", choices=("day", "month"), default="day")
    parser.add_argument(
        "--every-source", action="store_true", help="every source in every batch (header-only if empty)"
    )
    args = parser.parse_args()
    batches = replay(args.source, args.out, args.period, args.every_source)
    print(f"wrote {len(batches)} {args.period} batches ({batches[0]} .. {batches[-1]}) to {args.out}")


if __name__ == "__main__":
    main()
