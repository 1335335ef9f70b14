"""The sidebar's filter set as a value: what the queries bind and what keys the cache."""

from __future__ import annotations

import datetime
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


def default_filters(first: datetime.date, last: datetime.date) -> Filters:
    """The last twelve months of data (so the deltas compare with the twelve before)."""
    start = max(first, last - datetime.timedelta(days=364))
    return Filters(start, last)
