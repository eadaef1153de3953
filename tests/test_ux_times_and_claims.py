"""Issue 18 item 14: times in each reader's zone, /task by batch name, Next task within the
project, and an explicit "none" for bias flags."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from adapters.discord import draw
from adapters.slack import blocks
from bot.text import time_mark
from tests.batches import header, jsonl, tone_batch
from tests.fake_chat import FakeChat
from tests.test_console import run_script
from tests.ux_helpers import WRITER, command, control, make_bot, press


async def _claimed_card(bank):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "task"))
    card = chat.last("post").card
    epoch = int((await bank.active_assignments(WRITER.key))[0].lease_expires_at.timestamp())
    return card, epoch


async def test_slack_shows_the_lease_with_its_date_token(bank):
    card, epoch = await _claimed_card(bank)
    drawn = json.dumps(blocks.card_blocks(card), ensure_ascii=False)
    assert f"<!date^{epoch}^{{date_short_pretty}} {{time}}|" in drawn
    assert "\ue000" not in drawn


async def test_discord_shows_the_lease_with_its_timestamp(bank):
    card, epoch = await _claimed_card(bank)
    fields = [f.value for e in draw.message(card).embeds for f in e.fields]
    assert any(f"<t:{epoch}:f>" in value for value in fields)


async def test_the_console_shows_the_lease_in_the_bots_zone(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    transcript = await run_script(bank, tmp_path, ["/task", "/quit"])
    assert "Lease until: Mon 02 Nov" in transcript and "UTC" in transcript
    assert "\ue000" not in transcript


async def test_task_takes_a_batch_by_the_name_cards_show(bank):
    await bank.import_batch(tone_batch(1, name="first-one"), filename="a.jsonl")
    await bank.import_batch(tone_batch(1, name="second-one"), filename="b.jsonl")
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "task", "second-one"))
    fields = {f.label: f.value for f in chat.last("post").card.fields}
    assert fields["Task"].endswith("batch second-one")


async def test_next_task_stays_in_the_project_until_it_has_none(bank):
    await bank.import_batch(tone_batch(1, project="Alpha", name="a"), filename="a.jsonl")
    await bank.import_batch(tone_batch(2, project="Beta", name="b", priority=9), filename="b.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task", "a"))
    card, message = chat.last("post").card, chat.last("post").message
    await bot.handle(press(WRITER, control(card, "Skip…").action_id, message))
    await bot.handle(press(WRITER, control(chat.last().card, "Yes, skip it").action_id, message))
    await bot.handle(press(WRITER, control(chat.last().card, "Next task").action_id, message))
    nothing = chat.last().card
    assert nothing.title == "Nothing more in Alpha"
    await bot.handle(
        press(WRITER, control(nothing, "Tasks from other projects").action_id, message)
    )
    assert chat.last().card.footer.startswith("Project: Beta")


def _bias_batch() -> bytes:
    settings = header(template="bias_flags", name="bias")
    return jsonl(settings, [{"id": "b1", "payload": {"excerpt": "A: Hi.\nB: Hello."}}])


async def test_untouched_bias_flags_ask_before_submitting_as_none(bank):
    await bank.import_batch(_bias_batch(), filename="b.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    await bot.handle(press(WRITER, control(card, "Submit").action_id, message))
    asked = chat.last().card
    assert asked.title.startswith("Nothing picked") and await bank.submission_for(1) is None
    await bot.handle(press(WRITER, control(asked, "None of these — submit").action_id, message))
    saved = await bank.submission_for(1)
    assert saved is not None and saved.answers == {}


def test_text_from_people_holding_mark_characters_is_shown_not_drawn_as_a_date():
    # An answer (or reason, or name) spelling the bot's private-use mark characters around text
    # had it drawn as a 1970 date on both chats, the wrapped text hidden from the reviewer.
    hidden = "I pasted junk to get paid"
    forged = f"fine \ue0001\ue001{hidden}\ue002"
    real = time_mark(datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "Mon 02 Nov 09:30 UTC")
    slack = blocks.escape(forged + " " + real)
    discord = draw.escape(forged + " " + real)
    assert hidden in slack and "<!date^1^" not in slack and "<!date^1793611800^" in slack
    assert hidden in discord and "<t:1:f>" not in discord and "<t:1793611800:f>" in discord
