"""The Overview's KPIs from the summed columns of one query: ratios are taken here, in Python,
so that every warehouse gives the same figure (no dialect's division rules involved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard.fmt import ratio


@dataclass(frozen=True)
class PeriodKpis:
    orders: int = 0
    revenue: float | None = None
    freight: float | None = None
    payments: float | None = None
    customers: int = 0
    delivered: int = 0
    on_time: int = 0
    reviewed: int = 0
    review_points: int = 0

    @property
    def avg_ticket(self) -> float | None:
        return ratio(self.payments, self.orders)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.delivered)

    @property
    def avg_review(self) -> float | None:
        return ratio(self.review_points, self.reviewed)


def overview_kpis(frame) -> dict[str, PeriodKpis]:
    """{'current': …, 'previous': …} from the overview_kpis rows (a period without orders is all zeros)."""
    periods = {"current": PeriodKpis(), "previous": PeriodKpis()}
    for row in frame.to_dict("records"):
        values = {k: (None if v != v else v) for k, v in row.items() if k != "period"}  # NaN → None
        fields: dict[str, Any] = {
            k: (int(v) if k not in ("revenue", "freight", "payments") and v is not None else v)
            for k, v in values.items()
        }
        periods[row["period"]] = PeriodKpis(**fields)
    return periods
