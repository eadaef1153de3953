"""Scheduled jobs, driven by a manual clock: no sleeping, no real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ScheduleConfig
from bot.events import Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.scheduler import Jobs
from bot.tally_cards import pseudonym
from taskbank.models import SubmissionStatus, Verdict
from taskbank.periods import period_containing
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, tone_batch
from tests.fake_chat import FakeChat

MONDAY_9 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday, the weekly tally's time


def jobs_for(bank, chat, **schedule) -> Jobs:
    roles = Roles(reviewers=("test:rita",))
    ctx = BotContext(bank, chat, roles, time_zone="UTC")
    return Jobs(ctx, ScheduleConfig(**{"tally_chart": False, **schedule}))


async def work(bank, clock, writer, count, seconds=600):
    """`writer` claims and answers `count` tasks, `seconds` each; returns the submissions."""
    done = []
    for _ in range(count):
        claimed = await bank.claim(writer)
        clock.advance(seconds=seconds)
        done.append(
            (
                await bank.submit(
                    claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-{claimed.task.id}"
                )
            ).submission
        )
    return done


@pytest.fixture
def week_of_work(clock):
    clock.set(MONDAY_9 - timedelta(days=6))  # Tuesday of the week being tallied
    return clock


async def test_the_weekly_tally_matches_a_hand_computed_ledger(bank, week_of_work):
    clock = week_of_work
    chat = FakeChat()
    await bank.import_batch(
        tone_batch(6, project={"name": "P", "target_hourly_cents": 600}), filename="b.jsonl"
    )
    ana = await work(bank, clock, "ana", 3)  # 3 × 10 min
    ben = await work(bank, clock, "ben", 2, 1200)  # 2 × 20 min
    await bank.record_review(ana[0].id, "rev", Verdict.APPROVED)
    await bank.record_review(ana[1].id, "rev", Verdict.APPROVED)
    await bank.record_review(ana[2].id, "rev", Verdict.REJECTED, "off")
    await bank.record_review(ben[0].id, "rev", Verdict.APPROVED)
    clock.set(MONDAY_9 + timedelta(minutes=1))

    posted = await jobs_for(bank, chat).run_tally()

    assert posted == ["week:2026-11-09"]
    summary = next(s for s in chat.sent if s.kind == "post")
    assert summary.place.channel_id == "coordinators"
    text = summary.card.blocks[0]
    assert (
        "ana: 3 submitted, 2 approved, 1 rejected, 0 pending · paid $0.80 (+$0.00 pending) · 30m00s\n"
        in text
    )
    assert (
        "ben: 2 submitted, 1 approved, 0 rejected, 1 pending · paid $0.40 (+$0.40 pending) · 40m00s\n"
        in text
    )
    assert "/h" not in text  # no cash ÷ time figure: the honest rates follow, block of their own
    rates = next(b for b in summary.card.blocks if b.startswith("Hourly rates"))
    # ana: 80 cents for the 20 approved minutes -> $2.40/h; 80 cents over all 30 minutes (the
    # rejected 10 included) -> $1.60/h. ben: 40 cents for 20 approved minutes -> $1.20/h; 40 paid
    # + 40 pending over 40 minutes -> $1.20/h. Both under $7.25/h: red.
    assert (
        "ana: $2.40/h on approved work; $1.60/h counting everything 🔴 red (under $7.25/h)" in rates
    )
    assert (
        "ben: $1.20/h on approved work; $1.20/h counting everything 🔴 red (under $7.25/h)" in rates
    )
    assert "(all): 5 submitted, 3 approved" in text and "paid $1.20" in text
    ledger = sum(e.amount_cents for e in await bank.store.ledger_entries())
    approved = sum(s.status == SubmissionStatus.APPROVED for s in await _all(bank, 5))
    assert ledger == approved * 40 == 120


async def _all(bank, count):
    return [await bank.store.get_submission(i) for i in range(1, count + 1)]


async def test_each_writer_gets_only_their_own_lines_and_the_target_comparison(bank, week_of_work):
    clock, chat = week_of_work, FakeChat()
    await bank.import_batch(
        tone_batch(4, project={"name": "P", "target_hourly_cents": 600}), filename="b.jsonl"
    )
    ana = await work(bank, clock, "ana", 2)
    await work(bank, clock, "ben", 1)
    await bank.record_review(ana[0].id, "rev", Verdict.APPROVED)
    clock.set(MONDAY_9)
    await jobs_for(bank, chat).run_tally()
    direct = [s for s in chat.sent if s.kind == "direct"]
    assert sorted(s.to for s in direct) == ["ana", "ben"]
    to_ana = next(s for s in direct if s.to == "ana").card
    assert "ben" not in " ".join(to_ana.blocks)
    text = "\n".join(to_ana.blocks)
    # one approval (40 cents) for its 10 minutes: $2.40/h; with the pending 40 cents over both
    # answers' 20 minutes also $2.40/h, 40% of the $6.00 target and under the $7.25 floor
    assert "$2.40/h on approved work; $2.40/h counting everything 🔴 red" in text
    assert "P aims for $6.00/h: counting everything you are at 40% of it." in text
    assert "below the floor of $7.25/h" in text
    assert "is 20% of" not in text  # the old cash ÷ time comparison is gone
    to_ben = next(s for s in direct if s.to == "ben").card
    assert "no approved work yet; $2.40/h counting everything" in "\n".join(to_ben.blocks)


async def test_work_paid_the_week_after_shows_its_rate_in_the_week_it_was_done(bank, week_of_work):
    clock, chat = week_of_work, FakeChat()
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    (done,) = await work(bank, clock, "ana", 1)  # 10 minutes in the week of 9 November
    clock.set(MONDAY_9 + timedelta(hours=1))  # approved (and paid) in the week of 16 November
    await bank.record_review(done.id, "rev", Verdict.APPROVED)
    jobs = jobs_for(bank, chat)
    for day in (MONDAY_9 - timedelta(days=6), MONDAY_9 + timedelta(days=1)):
        period = period_containing(day, "week", "UTC")
        await jobs.post_tally_now(period, Place("coordinators"), "test")
    first, second = [s.card for s in chat.sent if s.kind == "post"]
    # the week of the work: no cash yet, and still its honest rate (40 cents for 10 minutes)
    assert "ana: 1 submitted, 1 approved" in first.blocks[0] and "paid $0.00" in first.blocks[0]
    assert "$0.00/h" not in str(first)
    assert "ana: $2.40/h on approved work; $2.40/h counting everything" in str(first.blocks)
    # the week of the payment: the cash, and no rate at all for work not done in it
    assert "paid $0.40" in second.blocks[0]
    assert "Hourly rates" not in str(second.blocks) and "/h" not in second.blocks[0]


async def test_pseudonyms_replace_names_in_the_channel_summary(bank, week_of_work):
    clock, chat = week_of_work, FakeChat()
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await work(bank, clock, "ana", 1)
    clock.set(MONDAY_9)
    await jobs_for(bank, chat, tally_pseudonyms=True).run_tally()
    summary = next(s for s in chat.sent if s.kind == "post").card.blocks[0]
    assert "ana" not in summary and pseudonym("ana") in summary
    assert pseudonym("ana") == pseudonym("ana") != pseudonym("ben")


async def test_the_summary_carries_a_chart_and_budgets(bank, week_of_work):
    clock, chat = week_of_work, FakeChat()
    await bank.import_batch(
        tone_batch(2, project={"name": "Capped", "budget_cap_cents": 1000}), filename="b.jsonl"
    )
    (done,) = await work(bank, clock, "ana", 1)
    await bank.record_review(done.id, "rev", Verdict.APPROVED)
    clock.set(MONDAY_9)
    await jobs_for(bank, chat, tally_chart=True).run_tally()
    upload = chat.last("upload").upload
    assert upload.content.startswith(b"\x89PNG") and upload.filename == "tally-week-2026-11-09.png"
    assert upload.comment == "Per day in UTC, week of 09 Nov 2026"  # whose days the bars are
    summary = next(s for s in chat.sent if s.kind == "post").card
    assert "Capped: $0.40 of $10.00 (4%)" in summary.blocks[-1]


async def test_a_crash_between_recording_and_sending_sends_the_rest_once(bank, week_of_work):
    clock = week_of_work
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    for writer in ("ana", "ben", "cy"):
        await work(bank, clock, writer, 1)
    clock.set(MONDAY_9)

    class Crashing(FakeChat):
        async def send_direct(self, user, card, *, once=None):
            if user == "ben":
                raise ConnectionError("the chat went away")
            return await super().send_direct(user, card, once=once)

    crashing = Crashing()
    with pytest.raises(ConnectionError):
        await jobs_for(bank, crashing).run_tally()
    assert [s.to for s in crashing.sent if s.kind == "direct"] == ["ana"]

    after_restart = FakeChat()
    clock.advance(minutes=5)
    await jobs_for(bank, after_restart).run_tally()
    assert [s.kind for s in after_restart.sent] == ["direct", "direct"]
    assert [s.to for s in after_restart.sent] == ["ben", "cy"]
    assert await jobs_for(bank, FakeChat()).run_tally() == []


async def test_a_post_the_chat_accepted_before_a_crash_is_not_shown_again(bank, week_of_work):
    # Given a tally whose direct message to ben reached the chat, but the process died before
    # the post was marked sent
    clock = week_of_work
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    for writer in ("ana", "ben", "cy"):
        await work(bank, clock, writer, 1)
    clock.set(MONDAY_9)

    class DiesAfterSending(FakeChat):
        dying = True

        async def send_direct(self, user, card, *, once=None):
            ref = await super().send_direct(user, card, once=once)
            if user == "ben" and self.dying:
                raise ConnectionError("the process died after the chat accepted the post")
            return ref

    chat = DiesAfterSending()
    with pytest.raises(ConnectionError):
        await jobs_for(bank, chat).run_tally()
    chat.dying = False

    # When the scheduler runs again against the same chat
    clock.advance(minutes=5)
    await jobs_for(bank, chat).run_tally()

    # Then ben's post went out again as a retry of the same key, and the chat showed it once
    direct = [s for s in chat.sent if s.kind == "direct"]
    assert [s.to for s in direct] == ["ana", "ben", "cy"]
    assert direct[1].once is not None and not direct[1].once.retry
    assert len(chat.shown_once) == 4  # the summary and three writers, each once


async def test_a_retried_post_carries_the_same_key_marked_as_retry(bank, week_of_work):
    clock = week_of_work
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    await work(bank, clock, "ana", 1)
    clock.set(MONDAY_9)

    class Refusing(FakeChat):
        async def send_direct(self, user, card, *, once=None):
            raise ConnectionError("the chat went away")

    with pytest.raises(ConnectionError):
        await jobs_for(bank, Refusing()).run_tally()
    retry_chat = FakeChat()
    await jobs_for(bank, retry_chat).run_tally()
    posted = {s.kind: s.once for s in retry_chat.sent}
    assert posted["direct"] is not None and posted["direct"].retry
    assert "post" not in posted  # the summary was marked sent before the failure


async def test_a_restart_neither_skips_nor_repeats_and_missed_weeks_come_late(make_store, clock):
    clock.set(MONDAY_9 - timedelta(days=6))
    store = make_store()
    await store.open()
    try:
        bank = TaskBank(store, clock=clock)
        await bank.import_batch(tone_batch(10), filename="b.jsonl")
        await work(bank, clock, "ana", 1)
        clock.set(MONDAY_9)
        assert await jobs_for(bank, FakeChat()).run_tally() == ["week:2026-11-09"]
    finally:
        await store.close()

    store = make_store()  # the process restarts the same day: nothing new
    await store.open()
    try:
        bank = TaskBank(store, clock=clock)
        clock.advance(hours=3)
        chat = FakeChat()
        assert await jobs_for(bank, chat).run_tally() == []
        assert chat.sent == []
        clock.set(MONDAY_9 + timedelta(days=2))
        await work(bank, clock, "ana", 1)  # work in the week of the 16th
        clock.set(MONDAY_9 + timedelta(days=21, hours=2))  # down for three Mondays
        chat = FakeChat()
        assert await jobs_for(bank, chat).run_tally() == [
            "week:2026-11-16",
            "week:2026-11-23",
            "week:2026-11-30",
        ]
        titles = [s.card.title for s in chat.sent if s.kind == "post"]
        assert titles == [
            "Pay tally, week of 16 Nov 2026",
            "Pay tally, week of 23 Nov 2026",
            "Pay tally, week of 30 Nov 2026",
        ]
    finally:
        await store.close()


async def test_before_the_tally_time_the_previous_period_is_not_yet_due(bank, clock):
    clock.set(MONDAY_9 - timedelta(hours=1))
    jobs = jobs_for(bank, FakeChat())
    assert jobs.period_key(jobs.due_period()) == "week:2026-11-02"
    clock.set(MONDAY_9)
    assert jobs.period_key(jobs.due_period()) == "week:2026-11-09"


async def test_with_several_chats_each_writer_is_messaged_in_their_own(bank, clock):
    """Slack and Discord in one process: the scheduler posts the summary to the first chat's
    channel and each writer's tally to the chat they work in."""
    from bot.bootstrap import build_runtime
    from bot.config import Config

    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    for writer in ("slack:U1", "discord:42"):
        claimed = await bank.claim(writer)
        await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"k-{writer}")
    clock.advance(days=8)
    config = Config.model_validate({"schedule": {"tally_chart": False}})
    runtime = build_runtime(config, bank)
    slack, discord = FakeChat(), FakeChat()
    runtime.build_bot(slack, "C-REVIEWS", "C-COORDS", "slack")
    runtime.build_bot(discord, "1-REVIEWS", "1-COORDS", "discord")
    await runtime.jobs().run_tally()  # the jobs the scheduler would run, run here directly
    assert [s.place.channel_id for s in slack.sent if s.kind == "post"] == ["C-COORDS"]
    assert [s.to for s in slack.sent if s.kind == "direct"] == ["slack:U1"]
    assert [s.to for s in discord.sent if s.kind == "direct"] == ["discord:42"]


async def test_the_charts_days_hold_the_periods_work_in_the_local_zone(bank, week_of_work):
    """The bank hands the chart aware quarter-hour starts; the chart folds them into local days."""
    from bot.chart import daily_totals
    from taskbank.periods import period_containing

    clock = week_of_work
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    (done,) = await work(bank, clock, "ana", 1)
    await bank.record_review(done.id, "rev", Verdict.APPROVED)
    period = period_containing(clock.now(), "week", "UTC")
    buckets = await bank.activity_by_quarter_hour(period)
    assert buckets and all(start.tzinfo is not None for start, _, _ in buckets)
    days = daily_totals(buckets, period, "UTC")
    assert len(days) == 7
    assert [(cents, tasks) for day, cents, tasks in days if tasks] == [(40, 1)]
    assert next(day for day, _, tasks in days if tasks) == clock.now().date()
