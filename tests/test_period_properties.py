"""Tally periods in every zone of the database: each holds its moment, starts at a local midnight
(the first instant of its local date, also where that zone skips midnight) and abuts the one
before; a week starts on a Monday and is 7 days give or take a clock change (or a day skipped
where a zone crossed the date line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from taskbank.periods import period_containing, previous_period

ZONES = sorted(available_timezones() - {"localtime"})
MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=400, deadline=None)
@given(MOMENTS, st.sampled_from(ZONES), st.sampled_from(["day", "week", "month"]))
def test_a_period_holds_its_moment_from_local_midnight_and_follows_the_one_before(
    moment, zone, kind
):
    period = period_containing(moment, kind, zone)
    assert period.start <= moment < period.end
    assert previous_period(period, kind, zone).end == period.start
    local = ZoneInfo(zone)
    first = period.start.astimezone(local)
    assert (period.start - timedelta(microseconds=1)).astimezone(local).date() < first.date()
    if kind == "week":
        assert first.weekday() == 0
        assert timedelta(days=6) <= period.end - period.start <= timedelta(days=8)
