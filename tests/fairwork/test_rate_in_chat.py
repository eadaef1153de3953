"""The honest hourly rate where writers and coordinators look: /earnings, the saved card, the tally."""

from __future__ import annotations

from bot.text import plain_times
from taskbank.models import Verdict
from tests.batches import tone_batch
from tests.fairwork.conftest import CORA, WENDY, command, press
from tests.fairwork.ledger import REVIEWER, forty_seven_minute_writer, hold


async def test_earnings_shows_both_rates_with_the_band_and_the_floor(taskbot, chat, bank):
    await forty_seven_minute_writer(bank)
    await taskbot.handle(command(WENDY, "earnings"))
    sent = chat.last("post")
    assert sent.visibility == "private" and sent.to == "test:wendy"
    text = "\n".join(sent.card.blocks)
    assert "$30.00/h on approved work; $1.27/h counting everything 🔴 red" in text
    assert "unpaid: skipped 10m00s, released 15m00s, expired 20m00s" in text
    assert "below the floor of $7.25/h" in text


async def test_earnings_with_only_pending_work_counts_the_pending_pay(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2, pay_cents=565), filename="b.jsonl")
    await hold(bank, 30, "submit")
    await taskbot.handle(command(WENDY, "earnings"))
    text = plain_times("\n".join(chat.last("post").card.blocks))
    assert "no approved work yet; $11.30/h counting everything 🟢 green" in text
    assert "t-0001: $5.65, approved by Thu 05 Nov 09:30 UTC" in text


async def test_the_saved_card_says_when_it_is_approved_and_the_weeks_rate(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2, pay_cents=40), filename="b.jsonl")
    await taskbot.handle(command(WENDY, "task"))
    message = chat.last("post").message
    bank.clock.advance(minutes=4)
    for action in ("ans:1:tone:0", "ans:1:genre:0", "ans:1:pacing:3", "submit:1"):
        await taskbot.handle(press(WENDY, action, message))
    card = chat.last("update").card
    assert card.title.startswith("Saved")
    text = plain_times("\n".join(card.blocks))
    assert "Approved and paid automatically by Thu 05 Nov 09:04 UTC" in text
    assert "This week: no approved work yet; $6.00/h counting everything 🔴 red" in text


async def test_the_coordinators_tally_lists_each_writers_rates(taskbot, chat, bank):
    await forty_seven_minute_writer(bank)
    await taskbot.handle(command(CORA, "tally"))
    text = plain_times("\n".join(chat.last("post").card.blocks))
    assert "test:wendy: $30.00/h on approved work; $1.27/h counting everything" in text


async def test_a_project_target_is_shown_as_a_share(taskbot, chat, bank):
    batch = tone_batch(1, pay_cents=60, project={"name": "Aim", "target_hourly_cents": 1200})
    await bank.import_batch(batch, filename="b.jsonl")
    submission = await hold(bank, 6, "submit")
    await bank.record_review(submission, REVIEWER, Verdict.APPROVED)
    await taskbot.handle(command(WENDY, "earnings"))
    text = plain_times("\n".join(chat.last("post").card.blocks))
    assert "Aim aims for $12.00/h: counting everything you are at 50% of it." in text


async def test_the_scheduled_tally_tells_each_writer_their_rates_privately(bank):
    from bot.config import ScheduleConfig
    from bot.handlers.context import BotContext
    from bot.roles import Roles
    from bot.scheduler import Jobs
    from tests.fairwork.ledger import week_of
    from tests.fake_chat import FakeChat

    chat = FakeChat()
    await forty_seven_minute_writer(bank)
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig(tally_chart=False))
    await jobs.post_tally(week_of(bank))
    summary = next(s.card for s in chat.sent if s.kind == "post")
    private = next(s for s in chat.sent if s.kind == "direct")
    assert "test:wendy: $30.00/h on approved work; $1.27/h" in "\n".join(summary.blocks)
    assert private.to == "test:wendy"
    assert "$1.27/h counting everything 🔴 red" in "\n".join(private.card.blocks)


async def test_a_tally_to_many_writers_reads_their_rates_and_waiting_work_once(taskbot, chat, bank):
    # Each writer's private card carries their own rates and answers awaiting review, read for
    # every writer at once: per writer, it cost several statements (147 s for 20,000 writers on
    # PostgreSQL).
    await bank.import_batch(tone_batch(4, pay_cents=565), filename="b.jsonl")
    writers = ["test:ann", "test:bob", "test:cyd"]
    for number, writer in enumerate(writers):
        await hold(bank, 30 * (number + 1), "submit", writer=writer)
    per_writer, every_writer = [], []
    for name in ("pending_for_writer", "fair_work_holds"):
        read = getattr(bank.store, name)

        async def counted(*args, read=read, name=name, **kwargs):
            if name == "pending_for_writer" or (len(args) > 2 and args[2] is not None):
                per_writer.append(name)
            else:
                every_writer.append(name)
            return await read(*args, **kwargs)

        setattr(bank.store, name, counted)

    await taskbot.handle(command(CORA, "tally"))

    cards = {s.to: plain_times("\n".join(s.card.blocks)) for s in chat.sent if s.kind == "direct"}
    assert sorted(cards) == writers
    assert "$11.30/h counting everything" in cards["test:ann"]  # $5.65 pending over 30 minutes
    assert "$5.65/h counting everything" in cards["test:bob"]  # over 60 minutes
    for writer, text in cards.items():
        assert "$5.65, approved by" in text, writer  # their own answer, awaiting review
    assert per_writer == []
    assert every_writer == ["fair_work_holds"]  # once, for the summary and the cards alike
