"""The honest hourly rate, on both stores: unpaid time counts, and work keeps its own period."""

from __future__ import annotations

from datetime import timedelta

from taskbank.fairpay import Band, band
from taskbank.models import LedgerKind, Verdict
from tests.batches import tone_batch
from tests.fairwork.ledger import (
    REVIEWER,
    WRITER,
    forty_seven_minute_writer,
    hold,
    week_of,
)


async def test_the_47_minute_writer_makes_127_cents_an_hour_counting_everything(bank):
    await forty_seven_minute_writer(bank)
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert rate.total_seconds == 47 * 60
    assert rate.all_in_hourly_cents == 127  # 100 cents * 3600 / 2820 s
    assert rate.paid_work_hourly_cents == 3000  # 100 cents * 3600 / 120 s


async def test_each_kind_of_unpaid_time_is_counted_where_it_belongs(bank):
    await forty_seven_minute_writer(bank)
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert (rate.skipped_seconds, rate.released_seconds, rate.expired_seconds) == (600, 900, 1200)
    assert (rate.approved_seconds, rate.paid_cents, rate.unpaid_seconds) == (120, 100, 2700)


async def test_work_done_in_week_one_and_paid_in_week_two_shows_its_rate_in_week_one(bank):
    await bank.import_batch(tone_batch(1, pay_cents=50), filename="b.jsonl")
    submission_id = await hold(bank, 6, "submit")
    week_one = week_of(bank)
    bank.clock.advance(days=7)
    await bank.record_review(submission_id, REVIEWER, Verdict.APPROVED)
    [rate] = await bank.hourly_rates(week_one, WRITER)
    assert rate.paid_cents == 50 and rate.paid_work_hourly_cents == 500
    assert await bank.hourly_rates(week_of(bank), WRITER) == []


async def test_pending_pay_counts_in_the_all_in_rate_until_it_is_decided(bank):
    await bank.import_batch(tone_batch(2, pay_cents=565), filename="b.jsonl")
    await hold(bank, 30, "submit")
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert rate.pending_cents == 565 and rate.paid_work_hourly_cents is None
    assert rate.all_in_hourly_cents == 1130


async def test_a_hand_computed_ledger_with_rejected_released_and_expired_work(bank):
    # 40c a task, 30-minute leases. Approved 6 min, rejected 4 min, released after 5, expired
    # after 30 (released 20 minutes later still counts only the lease), pending 5 min; a 60c bonus.
    await bank.import_batch(tone_batch(6, pay_cents=40), filename="b.jsonl")
    approved = await hold(bank, 6, "submit")
    rejected = await hold(bank, 4, "submit")
    await hold(bank, 5, "release")
    await hold(bank, 30, "expire")
    await hold(bank, 5, "submit")
    await bank.record_review(approved, REVIEWER, Verdict.APPROVED)
    await bank.record_review(rejected, REVIEWER, Verdict.REJECTED, "missed the subtext")
    await bank.add_ledger_entry(WRITER, LedgerKind.BONUS, 60, "careful notes")
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    # counted: 40 paid + 40 pending + 60 bonus = 140c over 6+4+5+30+5 = 50 min
    assert rate.all_in_hourly_cents == 140 * 60 // 50
    assert rate.paid_work_hourly_cents == 40 * 60 // 6
    assert rate.rejected_seconds == 240 and rate.expired_seconds == 1800


async def test_time_reading_the_terms_counts_as_unpaid_time(bank):
    batch = tone_batch(1, pay_cents=100, project={"name": "Termed", "terms": "Be kind."})
    await bank.import_batch(batch, filename="b.jsonl")
    imported = (await bank.list_batches())[0]
    await bank.terms_shown(imported.project_id, WRITER)
    bank.clock.advance(minutes=3)
    await bank.accept_terms(imported.project_id, WRITER)
    await hold(bank, 3, "submit")
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert rate.terms_seconds == 180 and rate.total_seconds == 360


async def test_writers_see_their_own_projects_targets(bank):
    batch = tone_batch(1, project={"name": "Targeted", "target_hourly_cents": 1200})
    await bank.import_batch(batch, filename="b.jsonl")
    await hold(bank, 3, "submit")
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert rate.targets == (("Targeted", 1200),)


def test_bands_grade_like_the_workers_own_tools():
    assert [band(c) for c in (724, 725, 1000, 1001)] == [
        Band.RED,
        Band.ORANGE,
        Band.ORANGE,
        Band.GREEN,
    ]


async def test_holds_still_running_are_not_counted_yet(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await bank.claim(WRITER)
    bank.clock.advance(timedelta(minutes=10))
    assert await bank.hourly_rates(week_of(bank), WRITER) == []
