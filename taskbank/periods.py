"""Tally periods: a day, week or month in a given time zone, as UTC spans."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from taskbank.models import Period

PeriodKind = Literal["day", "week", "month"]


def period_containing(moment: datetime, kind: PeriodKind, zone: str = "UTC") -> Period:
    """The day, week (Monday first) or month that holds `moment`, in the given zone."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    if kind == "day":
        start_date = local.date()
        end_date = start_date + timedelta(days=1)
    elif kind == "week":
        start_date = local.date() - timedelta(days=local.weekday())
        end_date = start_date + timedelta(days=7)
    elif kind == "month":
        start_date = local.date().replace(day=1)
        end_date = (start_date + timedelta(days=32)).replace(day=1)
    else:
        raise ValueError(f"unknown period '{kind}'; expected day, week or month")
    start = datetime.combine(start_date, time(), tz)
    end = datetime.combine(end_date, time(), tz)
    label = {
        "day": f"{start_date:%a %d %b %Y}",
        "week": f"week of {start_date:%d %b %Y}",
        "month": f"{start_date:%B %Y}",
    }[kind]
    return Period(start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC")), label)


def previous_period(period: Period, kind: PeriodKind, zone: str = "UTC") -> Period:
    """The period of the same kind just before this one."""
    return period_containing(period.start - timedelta(microseconds=1), kind, zone)
