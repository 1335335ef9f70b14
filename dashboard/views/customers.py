"""Top customers: the Single Customer View (mart_customer_360) ranked by total spent.

A person is listed when their first-to-last order window overlaps the period and their current
address is in a chosen state; the figures are lifetime figures from the mart."""

import re

import streamlit as st

from dashboard import charts, fmt, ui

LIMIT = 100
HEX = re.compile(r"[0-9a-f]*\Z")

filters = ui.current_filters()
ui.header("Top customers", filters)
search = (
    st.text_input(
        "Search by customer_unique_id",
        key="customer_search",
        placeholder="a prefix, e.g. 8d50f5",
        help="The person's id (32 hexadecimal characters); any prefix matches.",
    )
    .strip()
    .lower()
)
if not HEX.match(search):
    st.warning("customer_unique_id holds only the characters 0-9 and a-f.")
    st.stop()
result = ui.page_data("customers", id_prefix=search + "%", limit=LIMIT)
top, segments = result["top_customers"], result["customer_segments"]

if segments.empty:
    ui.nothing_matches(filters, "customers")
    st.stop()

row = st.columns(4)
row[0].metric("Customers", fmt.number(segments["customers"].sum()))
row[1].metric("Repeat customers", fmt.number(segments["repeat_customers"].sum()), help="Two orders or more.")
row[2].metric(
    "Total spent",
    fmt.brl(segments["total_spent"].sum()),
    help="Item value incl. freight of delivered orders, lifetime.",
)
row[3].metric("Spent per customer", fmt.brl(fmt.ratio(segments["total_spent"].sum(), segments["customers"].sum())))

left, right = st.columns([3, 2])
with left:
    st.subheader(f"Ranked by total spent (top {LIMIT})" if not search else f"Ids starting with '{search}'")
    if top.empty:
        st.info(f"No customer id starts with '{search}' within the filters.", icon="🔍")
    else:
        shown = top.assign(
            profile="profile?customer=" + top["customer_unique_id"],
            last_order=top["last_order_ts"].dt.strftime("%d/%m/%Y"),
        )
        shown = ui.money_columns(shown, ["total_spent"])
        st.dataframe(
            shown[
                [
                    "customer_unique_id",
                    "total_spent",
                    "orders_count",
                    "delivered_orders",
                    "last_order",
                    "recency_days",
                    "favourite_category",
                    "segment",
                    "city",
                    "state",
                    "profile",
                ]
            ],
            hide_index=True,
            column_config={
                "profile": st.column_config.LinkColumn("Profile", display_text="open"),
                "orders_count": "orders",
                "delivered_orders": "delivered",
                "recency_days": st.column_config.NumberColumn("recency (days)"),
            },
        )
with right:
    ui.chart(charts.hbar(segments, "segment", "customers", "Customers by segment", text="customers"))
    ui.chart(charts.hbar(segments, "segment", "total_spent", "Total spent by segment", money=True, color=charts.GREEN))
