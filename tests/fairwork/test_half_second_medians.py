"""Rates at a median time are worked from the exact median, not from it rounded to a whole second:
four answers of 4 and 5 seconds have a median of 4.5 s, and 40c a task then makes 40 × 3600 / 4.5
= $320.00/h (Python's round(4.5) is 4, which read $360.00/h, an eighth more than writers make)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from taskbank.calibration import calibrate
from taskbank.openwork import WorkOffer
from tests.batches import tone_batch
from tests.fairwork.ledger import WRITER, hold


def test_the_rate_at_a_half_second_median_is_worked_from_it_exactly():
    cal = calibrate(1, 40, 1200, True, [4, 5, 4, 5], min_timings=4)

    assert cal.median_hourly_cents == 32_000
    assert cal.pay_for_target_at_median == 2  # 1200 × 4.5 / 3600 = 1.5, rounded up


@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=30), st.integers(0, 5_000))
def test_calibration_rates_never_exceed_the_pay_over_the_exact_median(seconds, pay):
    ordered = sorted(seconds)
    middle = len(ordered) // 2
    median = (
        Fraction(ordered[middle])
        if len(ordered) % 2
        else Fraction(ordered[middle - 1] + ordered[middle], 2)
    )

    cal = calibrate(1, pay, 1200, True, seconds, min_timings=2)

    if median == 0:
        assert cal.median_hourly_cents is None
    else:
        exact = Fraction(pay * 3600) / median
        assert cal.median_hourly_cents <= exact < cal.median_hourly_cents + 1
        assert cal.pay_for_target_at_median * 3600 >= 1200 * median


async def test_open_work_rates_the_batch_at_its_exact_median(bank):
    await bank.import_batch(tone_batch(8, pay_cents=40, overlap=2), filename="b.jsonl")
    for seconds in (4, 5, 4, 5, 4, 5):
        await hold(bank, seconds / 60, "submit", writer=f"test:w{seconds}{bank.now().second}")

    (offer,) = await bank.open_work(WRITER, min_timings=5)

    assert isinstance(offer, WorkOffer) and offer.median_seconds == Fraction(9, 2)
    assert offer.estimated_hourly_cents == 32_000
