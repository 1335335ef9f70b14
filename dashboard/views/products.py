"""Product performance: revenue and items by category and month, the best and worst reviewed
categories, and the best-selling products."""

import streamlit as st

from dashboard import charts, fmt, labels, ui, urlstate

TOP_CATEGORIES = 15
DEFAULT_MIN_REVIEWS = 30

filters = ui.current_filters()
ui.header("Product performance", filters)
result = ui.page_data("products", limit=20)
monthly, products = result["category_monthly"], result["top_products"]
if monthly.empty:
    ui.nothing_matches(filters, "order items")
    st.stop()
# readable category names from here on (one label per code, so the sums per category are the same)
monthly = monthly.assign(category_name=monthly["category_name"].map(labels.category))
products = products.assign(category_name=products["category_name"].map(labels.category))

categories = (
    monthly.groupby("category_name", as_index=False)[["items", "revenue", "orders", "reviewed_orders", "review_points"]]
    .sum()
    .sort_values(["revenue", "category_name"], ascending=[False, True])
)
categories["avg_review"] = categories["review_points"] / categories["reviewed_orders"].where(
    categories["reviewed_orders"] > 0
)

row = st.columns(3)
row[0].metric("Revenue", fmt.brl(categories["revenue"].sum()), help="Item prices, any order status.")
row[1].metric("Items sold", fmt.number(categories["items"].sum()))
row[2].metric("Categories sold", fmt.number(len(categories)))

left, right = st.columns(2)
by_items = categories.sort_values(["items", "category_name"], ascending=[False, True])
ui.chart(
    charts.hbar(
        categories.head(TOP_CATEGORIES),
        "category_name",
        "revenue",
        f"Revenue by category (top {TOP_CATEGORIES})",
        money=True,
    ),
    left,
)
ui.chart(
    charts.hbar(
        by_items.head(TOP_CATEGORIES),
        "category_name",
        "items",
        f"Items by category (top {TOP_CATEGORIES})",
        color=charts.ORANGE,
    ),
    left,
)
top_names = categories["category_name"].head(TOP_CATEGORIES).tolist()
pivot = (
    monthly[monthly["category_name"].isin(top_names)]
    .assign(month=monthly["month"].astype("datetime64[ns]").dt.strftime("%Y-%m"))
    .pivot_table(index="category_name", columns="month", values="revenue", aggfunc="sum")
    .reindex(top_names)
)
ui.chart(charts.heatmap(pivot, f"Monthly revenue of the top {TOP_CATEGORIES} categories"), right)

st.subheader("Reviews by category")
ui.from_url("min_reviews", "min_reviews", lambda text: urlstate.parse_int(text, 1, 200))
st.session_state.setdefault("min_reviews", DEFAULT_MIN_REVIEWS)
min_reviews = st.slider(
    "Minimum reviewed orders per category",
    1,
    200,
    key="min_reviews",
    help="Categories with fewer reviewed orders in the period are left out of the ranking.",
)
ui.to_url("min_reviews", None if min_reviews == DEFAULT_MIN_REVIEWS else str(min_reviews))
rated = categories[categories["reviewed_orders"] >= min_reviews]
if rated.empty:
    st.info(f"No category has {min_reviews} reviewed orders within the filters; lower the minimum.", icon="🔍")
else:
    rated = rated.assign(label=rated["avg_review"].map(lambda v: fmt.number(v, 2)))
    best = rated.sort_values(["avg_review", "reviewed_orders"], ascending=[False, False]).head(10)
    worst = rated.sort_values(["avg_review", "reviewed_orders"], ascending=[True, False]).head(10)
    left, right = st.columns(2)
    ui.chart(charts.hbar(best, "category_name", "avg_review", "Best reviewed", color=charts.GREEN, text="label"), left)
    ui.chart(charts.hbar(worst, "category_name", "avg_review", "Worst reviewed", color=charts.RED, text="label"), right)

st.subheader("Top products by revenue")
shown = ui.money_columns(products, ["revenue"])
st.dataframe(
    shown,
    hide_index=True,
    column_config={"product_id": st.column_config.TextColumn("product", width="medium"), "category_name": "category"},
)
