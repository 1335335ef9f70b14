"""Delivery: how long delivered orders took and how many arrived after the estimated date, by
delivery state and by purchase month."""

import streamlit as st

from dashboard import charts, fmt, ui

filters = ui.current_filters()
ui.header("Delivery", filters)
result = ui.page_data("delivery")
by_state, by_month, days = result["delivery_by_state"], result["delivery_by_month"], result["delivery_days"]
if by_state.empty:
    ui.nothing_matches(filters, "delivered orders")
    st.stop()


def with_rates(frame):
    """Late share and mean days from the summed columns (every row has delivered orders)."""
    return frame.assign(
        late_rate=frame["late"] / frame["delivered"], avg_days=frame["delivery_days"] / frame["delivered"]
    )


by_state, by_month = with_rates(by_state).sort_values("late_rate", ascending=False), with_rates(by_month)
delivered, late = by_state["delivered"].sum(), by_state["late"].sum()
row = st.columns(3)
row[0].metric("Delivered orders", fmt.number(delivered))
row[1].metric(
    "Late-delivery rate",
    fmt.percent(fmt.ratio(late, delivered)),
    help="Delivered on a later day than the estimated delivery date.",
)
row[2].metric(
    "Mean delivery days",
    fmt.number(fmt.ratio(by_state["delivery_days"].sum(), delivered), 1),
    help="Calendar days from purchase to delivery.",
)

ui.chart(charts.rate_and_days(by_month, "month", "Late-delivery rate and delivery days by purchase month"))
left, right = st.columns(2)
slowest = by_state.sort_values("avg_days", ascending=False)
ui.chart(
    charts.bars(by_state, "state", "late_rate", "Late-delivery rate by state", color=charts.RED, percent=True), left
)
ui.chart(charts.bars(slowest, "state", "avg_days", "Mean delivery days by state", decimals=1), right)
clipped = days[days["delivery_days"] <= 60]
ui.chart(
    charts.bars(clipped, "delivery_days", "orders", "Delivered orders by delivery days (up to 60)", color=charts.GREY)
)
