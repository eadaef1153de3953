"""Times audit: every moment a person reads is in their own zone (Slack's and Discord's time
tokens; the bot's zone, named, where a chat has none), never a bare UTC clock time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord import draw
from adapters.slack import blocks
from bot.text import plain_times, time_mark
from bot.ui import Card
from taskbank.errors import ValidationFailed
from taskbank.periods import period_containing
from tests.batches import tone_batch
from tests.fake_chat import FakeChat
from tests.ux_helpers import COORDINATOR, OTHER, WRITER, command, control, make_bot, press


def _card(text: str) -> Card:
    return Card(title="Open work", blocks=(text,))


async def _late_answer_refused(bank, clock, zone: str):
    """A writer's lease runs out, another writer takes the slot, then the first submits."""
    await bank.import_batch(tone_batch(1, overlap=1), filename="t.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat, zone=zone)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    [held] = await bank.active_assignments(WRITER.key)
    await bank.save_draft(held.id, WRITER.key, {"tone": "tense", "genre": ["noir"], "pacing": 3})
    clock.advance(timedelta(hours=1))
    await bank.expire_leases()
    await bot.handle(command(OTHER, "task"))
    await bot.handle(press(WRITER, control(card, "Submit").action_id, message))
    return chat.last("update").card, held.lease_expires_at


async def test_a_late_answer_says_when_the_lease_ran_out_in_the_readers_zone(bank, clock):
    # given a bot in Kathmandu (+05:45), a lease that ran out at 09:30 UTC and a slot retaken
    notice, ran_out = await _late_answer_refused(bank, clock, "Asia/Kathmandu")
    text = notice.blocks[0]
    assert "another writer has taken the slot" in text
    # then Slack and Discord draw the moment with their time tokens (each reader's own zone)
    epoch = int(ran_out.timestamp())
    slack = json.dumps(blocks.card_blocks(notice), ensure_ascii=False)
    assert f"<!date^{epoch}^" in slack
    discord = " ".join(e.description or "" for e in draw.message(notice).embeds)
    assert f"<t:{epoch}:f>" in discord
    # and where a chat has no tokens the bot's zone is shown, with its date, saying which zone
    shown = plain_times(text)
    assert "Mon 02 Nov 15:15 +0545" in shown
    assert "UTC" not in shown and "09:30" not in shown


@pytest.mark.parametrize("deadline", ["9999-12-31T23:59:59Z", "9999-12-31T12:00:00-10:00"])
async def test_a_deadline_no_zone_can_show_is_refused_at_import(bank, deadline):
    # a deadline in the last day that datetime holds: a bot in Kiritimati (+14) could not show
    # it, so the open-work menu of every writer failed (OverflowError) instead of listing it
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(tone_batch(1, deadline=deadline), filename="t.jsonl")
    (problem,) = raised.value.problems
    assert problem.field == "batch.deadline" and "too far" in problem.message


async def test_a_far_deadline_is_shown_in_the_far_east_and_west(bank):
    await bank.import_batch(tone_batch(1, deadline="9999-12-30T00:00:00Z"), filename="t.jsonl")
    for zone, shown in (
        ("Pacific/Kiritimati", "Thu 30 Dec 14:00"),
        ("Pacific/Pago_Pago", "Wed 29 Dec 13:00"),
    ):
        chat = FakeChat()
        await make_bot(bank, chat, zone=zone).handle(command(WRITER, "work"))
        assert f"until {shown}" in plain_times(chat.last("post").card.blocks[0])


def _period(card) -> str:
    return plain_times({f.label: f.value for f in card.fields}["Period"])


async def test_earnings_say_when_the_bots_week_starts_and_ends_for_each_reader(bank, clock):
    # given a bot in Kiritimati (+14), where Monday 2 November 09:00 UTC is already 23:00
    chat = FakeChat()
    await make_bot(bank, chat, zone="Pacific/Kiritimati").handle(command(WRITER, "earnings"))
    card = chat.last().card
    # then "this week" is Kiritimati's, and its card says so ...
    assert _period(card) == "Mon 02 Nov 00:00 +14 until Mon 09 Nov 00:00 +14"
    # ... with both bounds as time tokens, so a reader elsewhere sees them in their own zone
    start = int(datetime(2026, 11, 1, 10, tzinfo=UTC).timestamp())
    slack = json.dumps(blocks.card_blocks(card), ensure_ascii=False)
    assert f"<!date^{start}^" in slack
    discord = [f.value for e in draw.message(card).embeds for f in e.fields]
    assert any(f"<t:{start}:f>" in value for value in discord)


async def test_a_week_across_the_clocks_going_back_is_169_hours_and_says_so(bank, clock):
    # given London in the week its clocks go back (Sunday 25 October 2026, 02:00 BST -> 01:00 GMT)
    clock.set(datetime(2026, 10, 22, 12, tzinfo=UTC))
    chat = FakeChat()
    await make_bot(bank, chat, zone="Europe/London").handle(command(WRITER, "earnings"))
    # then the week runs from local midnight to local midnight, each in its own offset
    assert _period(chat.last().card) == "Mon 19 Oct 00:00 BST until Mon 26 Oct 00:00 GMT"
    week = period_containing(clock.now(), "week", "Europe/London")
    assert week.end - week.start == timedelta(hours=169)


def test_a_long_text_is_never_split_inside_a_time():
    # given a long text with a time on each line (the open-work menu, work awaiting review),
    # long enough that Slack (3,000 a section) and Discord (4,096 a description) split it
    moment = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    mark = time_mark(moment, "Mon 02 Nov 15:15 +0545")
    for padding in range(0, 80, 7):
        line = "x" * padding + " word " * 40 + f"until {mark}"
        text = "\n".join([line] * 40)
        slack = [s["text"]["text"] for s in blocks.text_sections([text])]
        discord = [e.description or "" for e in draw.message(_card(text)).embeds]
        # then every time is drawn whole, as a token: no piece holds a cut mark's characters
        for piece in slack + discord:
            assert not any(c in piece for c in "\ue000\ue001\ue002"), padding
        assert sum(p.count("<!date^") for p in slack) == 40
        assert sum(p.count("<t:") for p in discord) >= 10  # the rest is in the attached file


async def test_batch_status_shows_the_deadline_in_each_readers_zone(bank, clock):
    # given a batch due at 17:00 UTC on 2 December, and a bot in India (+05:30)
    await bank.import_batch(tone_batch(1, deadline="2026-12-02T17:00:00Z"), filename="t.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat, zone="Asia/Kolkata")
    await bot.handle(command(COORDINATOR, "batch", "status", "1"))
    deadline = {f.label: f.value for f in chat.last().card.fields}["Deadline"]
    # then coordinators see it as a time token, the bot's zone named where there is none
    epoch = int(datetime(2026, 12, 2, 17, tzinfo=UTC).timestamp())
    assert f"<t:{epoch}:f>" in draw.escape(deadline)
    assert plain_times(deadline) == "Wed 02 Dec 22:30 IST"
    # and once it has passed, the status says so
    clock.set(datetime(2026, 12, 3, tzinfo=UTC))
    await bot.handle(command(COORDINATOR, "batch", "status", "1"))
    deadline = {f.label: f.value for f in chat.last().card.fields}["Deadline"]
    assert plain_times(deadline) == "Wed 02 Dec 22:30 IST (passed: no new claims)"
