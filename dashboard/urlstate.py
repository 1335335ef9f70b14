"""The filters in the URL's query string, so a view can be bookmarked and shared: how each value is
written and read back. Reading validates: a value that does not parse, or lies outside what the
data offers, is refused (None) and the caller keeps the default; it never raises.

    /customers?from=2018-01-01&to=2018-03-31&states=RJ,SP&q=8d50f5

`from`, `to` (ISO dates, inclusive) and `states` (comma-separated, every state when absent) on
every page with the sidebar filters; pages add their own (`q`, `grain`, `min_reviews`,
`customer`). Plain values, no Streamlit: ui.py moves them between st.query_params and the widgets.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

FROM, TO, STATES = "from", "to", "states"
FILTER_PARAMS = (FROM, TO, STATES)
_HEX_PREFIX = re.compile(r"[0-9a-f]{0,32}\Z")


def encode_date(day: datetime.date) -> str:
    return day.isoformat()


def encode_states(states: Iterable[str]) -> str | None:
    """'RJ,SP'; None (the parameter left out) for every state."""
    return ",".join(sorted(states)) or None


def parse_date(text: str | None, first: datetime.date, last: datetime.date) -> datetime.date | None:
    """An ISO date within first..last, else None."""
    try:
        day = datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if first <= day <= last else None


def parse_date_range(
    start: str | None, end: str | None, first: datetime.date, last: datetime.date, default: tuple
) -> tuple[datetime.date, datetime.date] | None:
    """(from, to) from the URL, a missing end taken from `default`; None when either is invalid or
    from > to."""
    begin = default[0] if start is None else parse_date(start, first, last)
    finish = default[1] if end is None else parse_date(end, first, last)
    if begin is None or finish is None or begin > finish:
        return None
    return begin, finish


def parse_states(text: str | None, known: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the known states named, sorted; the names that are not states) from 'rj,SP'."""
    names = [n.strip().upper() for n in (text or "").split(",") if n.strip()]
    return tuple(sorted({n for n in names if n in known})), tuple(n for n in names if n not in known)


def parse_choice(text: str | None, choices: Sequence[str]) -> str | None:
    """One of `choices`, matched case-insensitively ('monthly' → 'Monthly'), else None."""
    wanted = (text or "").strip().lower()
    return next((c for c in choices if c.lower() == wanted), None)


def parse_int(text: str | None, low: int, high: int) -> int | None:
    """An integer in low..high, else None."""
    try:
        value = int((text or "").strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def parse_hex_prefix(text: str | None) -> str | None:
    """A customer_unique_id prefix (up to 32 hexadecimal characters, any case), else None."""
    value = (text or "").strip().lower()
    return value if _HEX_PREFIX.match(value) else None
