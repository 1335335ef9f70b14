"""Readable labels for the warehouse's snake_case codes: segments, categories, statuses, payment
types. Display only: filters, queries, URLs and the cache keep the raw values (they are the
identifiers), and a code this module does not know still reads well (underscores → spaces)."""

from __future__ import annotations

SEGMENTS = {
    "champion": "Champion",
    "loyal": "Loyal",
    "new": "New",
    "at_risk": "At risk",
    "lost": "Lost",
    "never_delivered": "Never delivered",
}

# Olist's English category names where "a_b" means "a & b", or that carry a typo of the source.
CATEGORIES = {
    "bed_bath_table": "Bed, bath & table",
    "health_beauty": "Health & beauty",
    "sports_leisure": "Sports & leisure",
    "furniture_decor": "Furniture & decor",
    "computers_accessories": "Computers & accessories",
    "watches_gifts": "Watches & gifts",
    "fashion_bags_accessories": "Fashion bags & accessories",
    "luggage_accessories": "Luggage & accessories",
    "consoles_games": "Consoles & games",
    "food_drink": "Food & drink",
    "cine_photo": "Cine & photo",
    "dvds_blu_ray": "DVDs & Blu-ray",
    "tablets_printing_image": "Tablets, printing & image",
    "fashion_underwear_beach": "Fashion underwear & beach",
    "kitchen_dining_laundry_garden_furniture": "Kitchen, dining, laundry & garden furniture",
    "small_appliances_home_oven_and_coffee": "Small appliances: home, oven & coffee",
    "construction_tools_construction": "Construction tools: construction",
    "construction_tools_safety": "Construction tools: safety",
    "construction_tools_lights": "Construction tools: lights",
    "costruction_tools_garden": "Construction tools: garden",
    "costruction_tools_tools": "Construction tools: tools",
    "fashio_female_clothing": "Fashion female clothing",
    "home_confort": "Home comfort",
    "arts_and_craftmanship": "Arts & craftsmanship",
    "pc_gamer": "PC gamer",
    "unknown": "Unknown category",
}


def readable(code) -> str:
    """'credit_card' → 'Credit card'; None stays None (the caller shows a dash)."""
    if code is None or code != code:  # None or NaN
        return code
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def segment(code):
    """'at_risk' → 'At risk'."""
    return SEGMENTS.get(code) or readable(code)


def category(code):
    """'health_beauty' → 'Health & beauty'."""
    return CATEGORIES.get(code) or readable(code)
