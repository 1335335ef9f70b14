"""Entry point: `streamlit run dashboard/app.py` (or `make dashboard`).

Builds the navigation, draws the shared sidebar (filters on the pages they apply to) and runs
the chosen page script from views/. Which warehouse is read comes from the pipeline's target
configuration (see dashboard/config.py)."""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="Olist BI", page_icon="📊", layout="wide")

# (script, title, url path, icon, uses the date/state filters, the page's own URL parameters)
PageEntry = tuple[str, str, str, str, bool, tuple[str, ...]]
PAGES: dict[str, list[PageEntry]] = {
    "Sales": [
        ("views/overview.py", "Overview", "", ":material/dashboard:", True, ()),
        ("views/trends.py", "Revenue trends", "trends", ":material/trending_up:", True, ("grain",)),
        ("views/products.py", "Product performance", "products", ":material/inventory_2:", True, ("min_reviews",)),
    ],
    "Customers": [
        ("views/customers.py", "Top customers", "customers", ":material/groups:", True, ("q",)),
        ("views/profile.py", "Customer profile", "profile", ":material/person:", False, ("customer",)),
    ],
    "Operations": [
        ("views/delivery.py", "Delivery", "delivery", ":material/local_shipping:", True, ()),
        ("views/health.py", "Pipeline health", "health", ":material/monitor_heart:", False, ()),
    ],
}

# page title → (whether the sidebar filters apply, the page's own URL parameters)
page_options: dict[str, tuple[bool, tuple[str, ...]]] = {}
navigation: dict[str, list[st.Page]] = {}
for section, pages in PAGES.items():
    navigation[section] = []
    for script, title, url_path, icon, filtered, params in pages:
        navigation[section].append(st.Page(script, title=title, url_path=url_path, icon=icon, default=url_path == ""))
        page_options[title] = (filtered, params)
# The default page is served at `/`; the same script also at `/overview` (hidden from the menu), so
# the path its url_path names, and links or bookmarks to it, do not open "Page not found".
navigation["Sales"].append(
    st.Page(
        "views/overview.py", title="Overview", url_path="overview", icon=":material/dashboard:", visibility="hidden"
    )
)

page = st.navigation(navigation)
ui.sidebar(*page_options.get(page.title, (False, ())))
page.run()
