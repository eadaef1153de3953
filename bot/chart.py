"""A small PNG chart of a tally period: money paid and tasks submitted per day."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from taskbank.models import Period


def daily_totals(
    buckets: Sequence[tuple[datetime, int, int]], period: Period, zone: str
) -> list[tuple[date, int, int]]:
    """Quarter-hour buckets (start, cents, tasks) folded into local days of the period."""
    tz = ZoneInfo(zone)
    first = period.start.astimezone(tz).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(tz).date()
    days = {first + timedelta(days=i): [0, 0] for i in range((last - first).days + 1)}
    for bucket, cents, tasks in buckets:
        day = bucket.astimezone(tz).date()
        if day in days:
            days[day][0] += cents
            days[day][1] += tasks
    return [(day, cents, tasks) for day, (cents, tasks) in days.items()]


def load_pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend (files, no window); ImportError without it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def tally_chart(days: Sequence[tuple[date, int, int]], title: str, currency: str) -> bytes:
    """Two bar charts, earnings and tasks per day, as PNG bytes."""
    pyplot = load_pyplot()
    labels = [day.strftime("%a %d") for day, _, _ in days]
    figure, (money_axis, task_axis) = pyplot.subplots(2, 1, figsize=(7, 4.5), sharex=True)
    try:
        money_axis.bar(labels, [cents / 100 for _, cents, _ in days], color="#3a7d44")
        money_axis.set_ylabel(f"paid ({currency})")
        money_axis.set_title(title)
        task_axis.bar(labels, [tasks for _, _, tasks in days], color="#2f5d8a")
        task_axis.set_ylabel("tasks submitted")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=90)
        return out.getvalue()
    finally:
        pyplot.close(figure)
