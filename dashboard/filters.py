"""The sidebar's filter set as a value: what the queries bind and what keys the cache."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Purchase dates `start`..`end` (inclusive) and delivery states (empty = every state)."""

    start: datetime.date
    end: datetime.date
    states: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[datetime.date, datetime.date]:
        """The period of the same length just before this one: what the deltas compare with."""
        prev_end = self.start - datetime.timedelta(days=1)
        return prev_end - datetime.timedelta(days=self.days - 1), prev_end

    def params(self) -> dict:
        prev_start, prev_end = self.previous
        return {
            "start": self.start,
            "end": self.end,
            "prev_start": prev_start,
            "prev_end": prev_end,
            "states": tuple(sorted(self.states)),
        }

    def describe(self) -> str:
        states = ", ".join(self.states) if self.states else "all states"
        return f"{self.start.isoformat()} … {self.end.isoformat()}, {states}"


# A month is "substantial" when it has at least this share of the median month's orders (the median
# over the months that have any). The data's first and last months are often near-empty: the
# source starts with a few test orders and its extract stops mid-month (the sample: 3 orders in
# 09/2016, 16 in 09/2018 and 4 in 10/2018 against a median month of ~370). A default window that
# includes them shows a cliff at the end of every chart and compares with a period that barely
# existed; 10 % keeps every month of regular trading (the smallest regular month of the full data
# set has about 1/6 of the median) and drops those stubs.
SUBSTANTIAL_SHARE = 0.10
WINDOW_MONTHS = 12


def substantial_months(monthly_orders: Mapping[datetime.date, int]) -> list[datetime.date]:
    """The months (first days) with at least SUBSTANTIAL_SHARE of the median month's orders."""
    counts = [n for n in monthly_orders.values() if n > 0]
    if not counts:
        return []
    threshold = SUBSTANTIAL_SHARE * statistics.median(counts)
    return sorted(month for month, n in monthly_orders.items() if n > 0 and n >= threshold)


def default_filters(
    first: datetime.date, last: datetime.date, monthly_orders: Mapping[datetime.date, int] | None = None
) -> Filters:
    """Up to the last twelve calendar months, ending with the last substantial month (see
    SUBSTANTIAL_SHARE), all states; without monthly counts, the last 365 days. The deltas compare
    with the period of the same length before it, so the window is at most half of the unbroken
    run of substantial months it ends: its comparison period holds regular months only, never
    the stub or the empty months before them (a run of one month: that month)."""
    months = substantial_months(monthly_orders or {})
    if not months:
        return Filters(max(first, last - datetime.timedelta(days=364)), last)
    end_month = months[-1]
    run = 1
    while _add_months(end_month, -run) in months:
        run += 1
    length = max(1, min(WINDOW_MONTHS, run // 2))
    start_month = _add_months(end_month, 1 - length)
    end = _add_months(end_month, 1) - datetime.timedelta(days=1)
    return Filters(max(first, start_month), min(last, end))


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)
