"""Work timed under a second (seconds on task 0) has no hourly rate, but it is still work: its
pay is shown, and the writer is not told they have no approved work or no time recorded."""

from __future__ import annotations

from bot.fairwork_render import rate_block, rate_headline
from taskbank.fairpay import FairWorkPolicy
from taskbank.models import Verdict
from tests.batches import tone_batch
from tests.fairwork.ledger import REVIEWER, WRITER, hold, week_of


async def instant_approved_answer(bank) -> None:  # type: ignore[no-untyped-def]
    await bank.import_batch(tone_batch(1, pay_cents=40), filename="b.jsonl")
    submission_id = await hold(bank, 0, "submit")
    await bank.record_review(submission_id, REVIEWER, Verdict.APPROVED)


async def test_an_approved_answer_timed_at_zero_seconds_is_approved_work_without_a_rate(bank):
    await instant_approved_answer(bank)

    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    headline = rate_headline(rate, "USD")

    assert (rate.approved_seconds, rate.paid_cents, rate.approved_answers) == (0, 40, 1)
    assert rate.paid_work_hourly_cents is None
    assert "no approved work yet" not in headline
    assert "$0.40 paid for approved work timed under a second" in headline


async def test_the_earnings_block_shows_the_money_of_work_timed_at_zero_seconds(bank):
    await instant_approved_answer(bank)

    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    block = rate_block(rate, FairWorkPolicy(floor_hourly_cents=725), "USD")

    assert "no time on task recorded" not in block
    assert "Money: $0.40 paid." in block
    assert "below the floor" not in block and "at or above the floor" not in block


def test_a_batch_whose_answers_are_timed_at_zero_seconds_is_measured_and_has_no_rate():
    from bot.fairwork_render import work_menu
    from taskbank.openwork import TimeSource, WorkOffer

    offer = WorkOffer(
        1, "b", "B", "P", 40, 3, None, timings=7, median_seconds=0, estimate_seconds=120
    )

    line = work_menu([offer], FairWorkPolicy(), "UTC", "USD").blocks[0]

    assert offer.time_source is TimeSource.MEDIAN
    assert (
        "median time per task 0m00s (7 answers); rate: none (answers timed under a second)" in line
    )
    assert "estimate" not in line and "$0.00/h" not in line
