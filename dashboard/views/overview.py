"""Overview: the headline KPIs of the period with deltas against the previous one, and where
the revenue comes from (by month and by delivery state)."""

import streamlit as st

from dashboard import charts, fmt, ui
from dashboard.kpis import overview_kpis

filters = ui.current_filters()
ui.header("Overview", filters)
result = ui.page_data("overview")
kpis = overview_kpis(result["overview_kpis"])
current, previous = kpis["current"], kpis["previous"]

if not current.orders:
    ui.nothing_matches(filters)
    st.stop()

row = st.columns(3)
row[0].metric(
    "Revenue",
    fmt.brl(current.revenue),
    fmt.relative_delta(current.revenue, previous.revenue),
    help="Sum of item prices of the orders placed in the period, any status (freight excluded).",
)
row[1].metric(
    "Orders",
    fmt.number(current.orders),
    fmt.relative_delta(current.orders, previous.orders),
    help="Orders placed in the period, any status.",
)
row[2].metric(
    "Average ticket",
    fmt.brl(current.avg_ticket),
    fmt.relative_delta(current.avg_ticket, previous.avg_ticket),
    help="Payments / orders, as mart_daily_sales defines it.",
)
row = st.columns(3)
row[0].metric(
    "Customers",
    fmt.number(current.customers),
    fmt.relative_delta(current.customers, previous.customers),
    help="Distinct persons (customer_unique_id) who placed an order in the period.",
)
row[1].metric(
    "On-time delivery",
    fmt.percent(current.on_time_rate),
    fmt.point_delta(current.on_time_rate, previous.on_time_rate, "pp", 100, 1),
    help="Delivered orders that arrived by the estimated date, of the delivered orders placed in the period.",
)
row[2].metric(
    "Average review score",
    fmt.number(current.avg_review, 2),
    fmt.point_delta(current.avg_review, previous.avg_review),
    help="Mean latest review score (1–5) of the reviewed orders placed in the period.",
)
if not previous.orders:
    st.caption("No orders in the previous period of the same length: no deltas.")
else:
    prev_start, prev_end = filters.previous
    st.caption(f"Deltas compare with {prev_start:%d/%m/%Y} – {prev_end:%d/%m/%Y}.")

left, right = st.columns([3, 2])
monthly = result["overview_monthly"]
ui.chart(charts.revenue_and_orders(monthly, "month", "Revenue and orders by month"), left)
by_state = result["overview_states"].head(12)
ui.chart(charts.hbar(by_state, "state", "revenue", "Revenue by delivery state (top 12)", money=True), right)
