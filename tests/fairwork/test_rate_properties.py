"""Properties of the honest hourly rate over any mix of holds (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from taskbank.fairpay import compute_rates
from taskbank.store.fairwork import HoldRow

AT = datetime(2026, 11, 2, tzinfo=UTC)
OUTCOMES = [
    ("submitted", "approved"),
    ("submitted", "pending"),
    ("submitted", "rejected"),
    ("released", None),
    ("skipped", None),
    ("expired", None),
]


@st.composite
def holds(draw) -> list[HoldRow]:
    rows = []
    for number in range(draw(st.integers(0, 30))):
        state, status = draw(st.sampled_from(OUTCOMES))
        pay = draw(st.integers(0, 500))
        rows.append(
            HoldRow(
                writer_id=draw(st.sampled_from(["a", "b"])),
                batch_id=1,
                project_id=1,
                state=state,
                ended_at=AT,
                seconds=draw(st.integers(0, 3600)),
                submission_id=number if status else None,
                status=status,
                pay_cents=pay,
                earned_cents=pay if status == "approved" else 0,
            )
        )
    return rows


@given(holds())
def test_every_second_and_cent_is_counted_once_per_writer(rows):
    rates = {r.writer_id: r for r in compute_rates(rows, [], [], {})}
    for writer, rate in rates.items():
        mine = [h for h in rows if h.writer_id == writer]
        assert rate.total_seconds == sum(h.seconds for h in mine)
        assert rate.paid_cents + rate.pending_cents == sum(
            h.pay_cents for h in mine if h.status in ("approved", "pending")
        )


@given(holds())
def test_counting_everything_never_rates_above_the_money_over_the_time(rows):
    for rate in compute_rates(rows, [], [], {}):
        if rate.all_in_hourly_cents is not None:
            assert rate.all_in_hourly_cents * rate.total_seconds <= rate.counted_cents * 3600
            assert (rate.all_in_hourly_cents + 1) * rate.total_seconds > rate.counted_cents * 3600
        if rate.paid_work_hourly_cents is not None and rate.pending_cents == 0:
            # unpaid time can only lower the rate
            assert rate.all_in_hourly_cents is not None
            assert rate.all_in_hourly_cents <= rate.paid_work_hourly_cents
