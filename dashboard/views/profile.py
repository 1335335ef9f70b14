"""Customer profile: one person's Single Customer View row, their address history from the
SCD2 dimension, their orders and their reviews. The person comes from the URL
(`profile?customer=<customer_unique_id>`, which the Top customers table links to) or the box;
by default the top spender. The sidebar filters do not apply: a profile is the whole history."""

import streamlit as st

from dashboard import fmt, ui

ui.header("Customer profile")
default = st.query_params.get("customer")
if not default:
    top = ui.fetch("profile_default", {})["top_spender"]
    default = "" if top.empty else top["customer_unique_id"].iloc[0]
customer = st.text_input("customer_unique_id", value=default, key="profile_customer").strip().lower()
if customer != st.query_params.get("customer"):
    st.query_params["customer"] = customer

result = ui.fetch("profile", {"customer": customer})
scv = result["profile_scv"]
if scv.empty:
    st.info(f"No customer '{customer}' in the Single Customer View. Find one on the Top customers page.", icon="🔍")
    st.stop()
person = scv.iloc[0]

st.markdown(
    f"**{person['customer_unique_id']}** · {ui.md(person['city'])} / {ui.md(person['state'])} · segment "
    f"**{person['segment']}** · favourite category **{ui.md(person['favourite_category'] or fmt.DASH)}**"
)
row = st.columns(4)
row[0].metric("Total spent", fmt.brl(person["total_spent"]), help="Item value incl. freight, delivered orders.")
row[1].metric(
    "Orders",
    fmt.number(person["orders_count"]),
    help=f"{person['delivered_orders']} delivered, {person['canceled_orders']} canceled or unavailable.",
)
row[2].metric("Average review", fmt.number(person["avg_review_score"], 2))
row[3].metric("Recency", f"{fmt.number(person['recency_days'])} days", help="Days since the last order.")
st.caption(
    f"First order {person['first_order_ts']:%d/%m/%Y %H:%M}, last {person['last_order_ts']:%d/%m/%Y %H:%M} · "
    f"{fmt.number(person['items_count'])} items · prefers {person['preferred_payment_type'] or fmt.DASH} · "
    f"customer for {fmt.number(person['tenure_days'])} days"
)

st.subheader("Address history")
addresses = result["profile_addresses"]
st.caption(
    "Versions of the person in dim_customer (SCD2 on zip code, city and state), valid from the purchase "
    "that first showed the address."
)
shown = addresses.assign(valid_to=addresses["valid_to"].where(~addresses["is_current"], None))
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "valid_from": st.column_config.DatetimeColumn("valid from", format="DD/MM/YYYY HH:mm"),
        "valid_to": st.column_config.DatetimeColumn("valid to", format="DD/MM/YYYY HH:mm"),
        "is_current": "current",
        "zip_code_prefix": "zip prefix",
    },
)

st.subheader("Orders")
orders = result["profile_orders"]
st.dataframe(
    ui.money_columns(orders, ["items_total", "freight_total", "order_total", "payment_total"]),
    hide_index=True,
    column_config={
        "purchase_ts": st.column_config.DatetimeColumn("purchased", format="DD/MM/YYYY HH:mm"),
        "order_status": "status",
        "items_count": "items",
        "main_payment_type": "payment",
        "is_late": "late",
        "review_score": "review",
    },
)

st.subheader("Reviews")
reviews = result["profile_reviews"]
if reviews.empty:
    st.caption("No review yet.")
for review in reviews.to_dict("records"):
    stars = "★" * int(review["review_score"]) + "☆" * (5 - int(review["review_score"]))
    with st.container(border=True):
        st.markdown(f"{stars} · {review['created_ts']:%d/%m/%Y} · order `{review['order_id']}`")
        if review["comment_title"]:
            st.markdown(f"**{ui.md(review['comment_title'])}**")
        st.text(review["comment_message"] or "(no comment)")
