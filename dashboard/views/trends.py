"""Revenue trends: revenue and orders by day, week or month, and the share freight takes.

One daily query per filter set; weeks and months are sums of its days, so switching the grain
costs no query."""

import streamlit as st

from dashboard import charts, fmt, ui, urlstate

GRAINS = {"Daily": "D", "Weekly": "W-SUN", "Monthly": "M"}  # weeks end on Sunday: they start on Monday
DEFAULT_GRAIN = "Weekly"

filters = ui.current_filters()
ui.header("Revenue trends", filters)
daily = ui.page_data("trends")["trends_daily"]
if daily.empty:
    ui.nothing_matches(filters)
    st.stop()

ui.from_url("trends_grain", "grain", lambda text: urlstate.parse_choice(text, list(GRAINS)))
st.session_state.setdefault("trends_grain", DEFAULT_GRAIN)
grain = st.segmented_control("Grain", list(GRAINS), key="trends_grain") or DEFAULT_GRAIN
ui.to_url("grain", None if grain == DEFAULT_GRAIN else grain.lower())
frame = daily.assign(day=daily["day"].astype("datetime64[ns]"))
if grain != "Daily":
    periods = frame["day"].dt.to_period(GRAINS[grain])
    frame = (
        frame.assign(day=periods.dt.start_time)
        .groupby("day", as_index=False)[["orders", "revenue", "freight", "payments"]]
        .sum()
    )
frame["freight_share"] = frame["freight"] / (frame["revenue"] + frame["freight"])

totals = frame[["orders", "revenue", "freight"]].sum()
row = st.columns(3)
row[0].metric("Revenue", fmt.brl(totals["revenue"]), help="Item prices, any status.")
row[1].metric("Freight", fmt.brl(totals["freight"]))
row[2].metric(
    "Freight share",
    fmt.percent(fmt.ratio(totals["freight"], totals["revenue"] + totals["freight"])),
    help="Freight / (item prices + freight).",
)

ui.chart(charts.revenue_and_orders(frame, "day", f"{grain} revenue and orders"))
ui.chart(charts.share_line(frame, "day", "freight_share", f"{grain} freight share of the order value", "Freight share"))
with st.expander("Figures"):
    shown = frame.rename(columns={"day": "period start"})
    shown["freight_share"] = shown["freight_share"].map(fmt.percent)
    st.dataframe(ui.money_columns(shown, ["revenue", "freight", "payments"]), hide_index=True)
