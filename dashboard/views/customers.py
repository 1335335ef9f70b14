"""Top customers: the persons who ordered in the period, ranked by what they spent in it.

Every figure on the page follows the filters the header states, with the Overview's
definitions: a person is counted when they placed an order in the period with the delivery
state on that order (fact_orders.customer_state) in the chosen states — the Overview's
"Customers" — and revenue is item prices of those orders, any status (the Overview's "Revenue").
"Delivered spend" is the Single Customer View's total_spent (items + freight of delivered
orders) cut to the period. The person's segment, recency, current address and lifetime totals
come from mart_customer_360 and are labelled as the person's state now."""

import re

import streamlit as st

from dashboard import charts, fmt, labels, ui, urlstate

LIMIT = 100
HEX = re.compile(r"[0-9a-f]*\Z")

filters = ui.current_filters()
ui.header("Top customers", filters)
ui.from_url("customer_search", "q", urlstate.parse_hex_prefix)
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
ui.to_url("q", search or None)
if not HEX.match(search):
    st.warning("customer_unique_id holds only the characters 0-9 and a-f.")
    st.stop()
result = ui.page_data("customers", id_prefix=search + "%", limit=LIMIT)
top, segments = result["top_customers"], result["customer_segments"]

if segments.empty:
    ui.nothing_matches(filters, "customers")
    st.stop()

st.caption(
    "Persons who placed an order in the period, delivered to one of the chosen states — the Overview's "
    "customers. Spend, revenue and orders are the period's; segment, recency, current address and "
    "lifetime figures are the person's Single Customer View today."
)
customers = segments["customers"].sum()
row = st.columns(4)
row[0].metric("Customers", fmt.number(customers), help="Distinct persons who placed an order in the period.")
row[1].metric(
    "Repeat customers",
    fmt.number(segments["repeat_customers"].sum()),
    help="Two orders or more placed in the period.",
)
row[2].metric(
    "Revenue",
    fmt.brl(segments["revenue"].sum()),
    help="Sum of item prices of their orders placed in the period, any status (freight excluded): the "
    "Overview's revenue.",
)
row[3].metric(
    "Delivered spend",
    fmt.brl(segments["spent"].sum()),
    help="Item value incl. freight of their delivered orders placed in the period (the SCV's total_spent, "
    f"cut to the period); {fmt.brl(fmt.ratio(segments['spent'].sum(), customers))} per customer.",
)

by_segment = segments.assign(segment=segments["segment"].map(labels.segment).fillna(fmt.DASH))
left, right = st.columns(2)
ui.chart(charts.hbar(by_segment, "segment", "customers", "Customers by segment (today)", text="customers"), left)
ui.chart(
    charts.hbar(
        by_segment, "segment", "spent", "Delivered spend in the period by segment", money=True, color=charts.GREEN
    ),
    right,
)

st.subheader(
    f"Ranked by delivered spend in the period (top {LIMIT})" if not search else f"Ids starting with '{search}'"
)
if top.empty:
    st.info(f"No customer id starts with '{search}' within the filters.", icon="🔍")
    st.stop()
shown = ui.money_columns(
    top.assign(
        profile="profile?customer=" + top["customer_unique_id"],
        last_order=top["last_order_ts"].dt.strftime("%d/%m/%Y"),
        segment=top["segment"].map(labels.segment),
        favourite_category=top["favourite_category"].map(labels.category),
    ),
    ["spent", "revenue", "lifetime_spent"],
)
st.dataframe(
    shown,
    hide_index=True,
    column_order=[
        "customer_unique_id",
        "spent",
        "revenue",
        "orders",
        "delivered_orders",
        "last_order",
        "segment",
        "recency_days",
        "city",
        "state",
        "lifetime_spent",
        "lifetime_orders",
        "favourite_category",
        "profile",
    ],
    column_config={
        "customer_unique_id": st.column_config.TextColumn("customer_unique_id", width="medium", pinned=True),
        "spent": st.column_config.TextColumn("delivered spend", help="In the period: items + freight, delivered."),
        "revenue": st.column_config.TextColumn("revenue", help="In the period: item prices, any status."),
        "orders": st.column_config.NumberColumn("orders", help="Placed in the period.", width="small"),
        "delivered_orders": st.column_config.NumberColumn("delivered", width="small"),
        "last_order": st.column_config.TextColumn(
            "last order", help="The last one placed in the period.", width="small"
        ),
        "segment": st.column_config.TextColumn("segment (today)"),
        "recency_days": st.column_config.NumberColumn(
            "recency (days)", help="Days since the last order, any period.", width="small"
        ),
        "city": st.column_config.TextColumn("city (today)"),
        "state": st.column_config.TextColumn("state (today)", width="small"),
        "lifetime_spent": st.column_config.TextColumn("lifetime spend", help="The SCV's total_spent."),
        "lifetime_orders": st.column_config.NumberColumn("lifetime orders", width="small"),
        "favourite_category": st.column_config.TextColumn("favourite category (lifetime)"),
        "profile": st.column_config.LinkColumn("profile", display_text="open", width="small"),
    },
)
