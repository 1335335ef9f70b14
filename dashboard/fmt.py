"""Number formats: money as BRL, and every number the Brazilian way (1.234,56), as the data is.

The UI text is English, the figures are Brazilian reais: `R$ 1.093.264,35`. Counts, rates and
averages use the same separators so a page never mixes two conventions.
"""

from __future__ import annotations

import math

DASH = "—"


def _grouped(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"  # 1,234,567.89
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def text(value, missing: str = DASH) -> str:
    """Text from the warehouse; `missing` for None, NaN (pandas' missing text) and blank text."""
    return missing if _missing(value) or not str(value).strip() else str(value)


def brl(value, decimals: int = 2) -> str:
    """R$ 1.093.264,35; negative as -R$ 12,00; None as a dash."""
    if _missing(value):
        return DASH
    value = float(value)
    return ("-" if value < 0 else "") + "R$ " + _grouped(abs(value), decimals)


def number(value, decimals: int = 0) -> str:
    """8.135 or 4,12."""
    return DASH if _missing(value) else _grouped(float(value), decimals)


def percent(value, decimals: int = 1) -> str:
    """0.934 → 93,4 %."""
    return DASH if _missing(value) else _grouped(100 * float(value), decimals) + " %"


def ratio(numerator, denominator):
    """numerator / denominator, None when either is missing or the denominator is 0."""
    if _missing(numerator) or _missing(denominator) or float(denominator) == 0:
        return None
    return float(numerator) / float(denominator)


def relative_delta(current, previous) -> str | None:
    """+12,3 % against the previous value (None when there is nothing to compare with)."""
    change = ratio(None if _missing(current) or _missing(previous) else float(current) - float(previous), previous)
    return None if change is None else ("+" if change >= 0 else "") + percent(change)


def point_delta(current, previous, unit: str = "", scale: float = 1.0, decimals: int = 2) -> str | None:
    """+1,20 pp or -0,05: an absolute difference (rates in percentage points with scale=100)."""
    if _missing(current) or _missing(previous):
        return None
    diff = (float(current) - float(previous)) * scale
    return ("+" if diff >= 0 else "-") + number(abs(diff), decimals) + (f" {unit}" if unit else "")
