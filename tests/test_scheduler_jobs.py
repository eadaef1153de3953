"""Scheduled QA samples, gold checks, auto-approval, the lease sweep and job timing, on a
manual clock: no sleeping, no real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ScheduleConfig
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.scheduler import CHANNEL, build_scheduler
from taskbank.models import SubmissionStatus, Verdict
from tests.batches import header, jsonl, tone_batch, tone_task
from tests.fake_chat import FakeChat
from tests.test_scheduler import jobs_for, work


async def test_the_qa_sample_follows_the_rate_and_covers_every_writer(bank, clock):
    await bank.import_batch(tone_batch(24, review_rate=0.1), filename="b.jsonl")
    await work(bank, clock, "ana", 20, 60)
    await work(bank, clock, "ben", 2, 60)
    await work(bank, clock, "cy", 1, 60)
    chat = FakeChat()
    posted = await jobs_for(bank, chat).run_qa_sample()
    cards = [s for s in chat.sent if s.kind == "post"]
    # review cards do not name the author (fair work): find each one through its submission
    shown = [next(f.value for f in c.card.fields if f.label == "Submission") for c in cards]
    writers = sorted({(await bank.submission(int(sid))).writer_id for sid in shown})
    assert posted == len(cards) == 3  # 10 % of 23 is 3, and every writer has one
    assert writers == ["ana", "ben", "cy"]
    assert all(c.place.channel_id == "reviews" for c in cards)
    assert [s.emoji for s in chat.sent if s.kind == "reaction"] == ["✅", "❌"] * 3
    # 20 left (ana 19, ben 1): 10 % is 2, spread over ana and ben, so everyone is covered
    assert await jobs_for(bank, FakeChat()).run_qa_sample() == 2


async def test_the_qa_sample_never_exceeds_what_reviewers_can_take(bank, clock):
    await bank.import_batch(tone_batch(10, review_rate=1.0), filename="b.jsonl")
    for writer in "abcde":
        await work(bank, clock, writer, 2, 60)
    assert await jobs_for(bank, FakeChat(), qa_max_per_run=4).run_qa_sample() == 4


async def test_gold_tasks_are_checked_automatically_and_never_sent_to_people(bank, clock):
    data = jsonl(
        header(review_rate=1.0, quality={"gold_modes": {"tone": "check"}}),
        [tone_task(1, gold={"tone": "tense"}), tone_task(2, gold={"tone": "warm"})],
    )
    await bank.import_batch(data, filename="g.jsonl")
    right, wrong = await work(bank, clock, "ana", 2)
    chat = FakeChat()
    assert await jobs_for(bank, chat).run_qa_sample() == 0
    assert [s for s in chat.sent if s.kind != "direct"] == []  # nothing goes to reviewers
    # the writer of the wrong answer is told why, privately (fair work)
    assert [(s.kind, s.to) for s in chat.sent] == [("direct", "ana")]
    assert (await bank.store.get_submission(right.id)).status == SubmissionStatus.APPROVED
    review = await bank.store.get_review(wrong.id)
    assert review.verdict == Verdict.REJECTED and review.reason == (
        "did not match the expected answer to 'Dominant tone'"
    )


async def test_a_sample_recorded_but_not_posted_is_posted_after_a_crash(bank, clock):
    await bank.import_batch(tone_batch(2, review_rate=1.0), filename="b.jsonl")
    await work(bank, clock, "ana", 2, 60)

    class Down(FakeChat):
        async def post_card(self, *args, **kwargs):
            raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        await jobs_for(bank, Down()).run_qa_sample()
    chat = FakeChat()
    assert await jobs_for(bank, chat).run_qa_sample() == 2
    assert await jobs_for(bank, FakeChat()).run_qa_sample() == 0


async def test_auto_approval_pays_after_the_window(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await work(bank, clock, "ana", 1)
    jobs = jobs_for(bank, FakeChat(), auto_approve_hours=72)
    clock.advance(hours=71)
    assert await jobs.run_auto_approve() == 0
    clock.advance(hours=2)
    assert await jobs.run_auto_approve() == 1
    assert [e.amount_cents for e in await bank.store.ledger_entries("ana")] == [40]


async def test_the_lease_sweep_frees_slots_and_tells_the_writer_privately(bank, clock):
    await bank.import_batch(tone_batch(1, lease_minutes=10), filename="b.jsonl")
    await bank.claim("ana")
    chat = FakeChat()
    jobs = jobs_for(bank, chat)
    assert await jobs.run_lease_sweep() == 0
    clock.advance(minutes=11)
    assert await jobs.run_lease_sweep() == 1
    assert chat.last().kind == "direct" and chat.last().to == "ana"
    assert "t-0001 went back to the pool" in chat.last().card.blocks[0]
    assert (await bank.claim("ben")).task.external_id == "t-0001"


async def test_the_scheduler_runs_each_job_on_its_configured_timing(bank):
    jobs = jobs_for(bank, FakeChat(), tally_cron="30 8 * * fri", qa_every_minutes=15)
    jobs.ctx = BotContext(bank, FakeChat(), Roles(), time_zone="Europe/Paris")
    scheduler = build_scheduler(jobs)
    triggers = {job.id: job.trigger for job in scheduler.get_jobs()}
    assert set(triggers) == {"tally", "qa-sample", "auto-approve", "lease-sweep", "budget-watch"}
    assert str(triggers["tally"].timezone) == "Europe/Paris"
    next_fire = triggers["tally"].get_next_fire_time(None, datetime(2026, 11, 23, tzinfo=UTC))
    assert (next_fire.weekday(), next_fire.hour, next_fire.minute) == (4, 8, 30)
    assert triggers["qa-sample"].interval == timedelta(minutes=15)
    assert triggers["lease-sweep"].interval == timedelta(seconds=60)


def test_a_bad_tally_cron_is_refused_with_an_example():
    with pytest.raises(ValueError, match="not a crontab expression"):
        ScheduleConfig(tally_cron="every monday")
    assert CHANNEL == "channel"
