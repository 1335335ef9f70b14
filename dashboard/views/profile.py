"""Customer profile: one person's Single Customer View row, their address history from the
SCD2 dimension, their orders and their reviews. The person comes from the URL
(`profile?customer=<customer_unique_id>`, which the Top customers table links to) or the box;
by default the top spender. The sidebar filters do not apply: a profile is the whole history."""

import streamlit as st

from dashboard import fmt, labels, ui

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
    f"**{labels.segment(person['segment'])}** · favourite category "
    f"**{ui.md(fmt.text(labels.category(person['favourite_category'])))}**"
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
    f"{fmt.number(person['items_count'])} items · prefers "
    f"{fmt.text(labels.readable(person['preferred_payment_type'])).lower()} · "
    f"customer for {fmt.number(person['tenure_days'])} days"
)

st.subheader("Address history")
addresses = result["profile_addresses"]
st.caption(
    "Versions of the person in dim_customer (SCD2 on zip code, city and state), valid from the purchase "
    "that first showed the address."
)
# an open version has no end: "current", not an empty date (nor the far-future sentinel)
valid_to = addresses["valid_to"].map(lambda ts: fmt.DASH if ts is None or ts != ts else f"{ts:%d/%m/%Y %H:%M}")
shown = addresses.assign(valid_to=valid_to.where(~addresses["is_current"].astype(bool), "current"))
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "valid_from": st.column_config.DatetimeColumn("valid from", format="DD/MM/YYYY HH:mm"),
        "valid_to": st.column_config.TextColumn("valid to"),
        "is_current": "current",
        "zip_code_prefix": "zip prefix",
    },
)

st.subheader("Orders")
orders = result["profile_orders"]
orders = orders.assign(
    order_status=orders["order_status"].map(labels.readable),
    main_payment_type=orders["main_payment_type"].map(labels.readable),
)
st.dataframe(
    ui.money_columns(orders, ["items_total", "freight_total", "order_total", "payment_total"]),
    hide_index=True,
    column_config={
        "order_id": st.column_config.TextColumn("order", width="medium"),
        "items_total": "items value",
        "freight_total": "freight",
        "order_total": "order value",
        "payment_total": "paid",
        "delivery_days": "delivery days",
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
        title = fmt.text(review["comment_title"], "")
        if title:
            st.markdown(f"**{ui.md(title)}**")
        st.text(fmt.text(review["comment_message"], "(no comment)"))
