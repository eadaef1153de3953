"""Issue 18 item 12: long option labels stay distinct; a late answer is taken as the notice says."""

from __future__ import annotations

from datetime import timedelta

from adapters.discord import draw
from adapters.slack import blocks
from tests.batches import header, jsonl, tone_batch
from tests.fake_chat import FakeChat
from tests.ux_helpers import OTHER, WRITER, command, control, make_bot, press

OPENING = "The writer should take this option when the scene makes it clear that "
OPTIONS = [OPENING + f"ending number {i} is what happens" for i in range(25)]


def _long_label_batch() -> bytes:
    questions = [{"id": "pick", "kind": "label", "prompt": "Pick one", "options": OPTIONS}]
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=questions)
    return jsonl(settings, [{"id": "c1", "payload": {"excerpt": "A: Hi."}}])


async def _card(bank):
    await bank.import_batch(_long_label_batch(), filename="c.jsonl")
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "task"))
    return chat.last("post").card


async def test_slack_menus_cut_long_options_so_each_stays_distinct(bank):
    card = await _card(bank)
    shown = [
        option["text"]["text"]
        for block in blocks.card_blocks(card)
        for element in block.get("elements", [])
        for option in element.get("options", [])
    ]
    assert len(shown) == 25 and len(set(shown)) == 25
    assert all(len(label) <= 75 for label in shown)
    assert shown[3].startswith("4. …") and "number 3" in shown[3]
    caption = card.rows[0].caption or ""
    assert all(f"{i}. {option}" in caption for i, option in enumerate(OPTIONS, 1))


async def test_discord_menus_cut_long_options_so_each_stays_distinct(bank):
    card = await _card(bank)
    view = draw.components(card)
    labels = [o.label for item in view.children for o in getattr(item, "options", [])]
    assert len(labels) == 25 and len(set(labels)) == 25


async def test_after_the_lease_runs_out_the_card_still_takes_the_answer(bank, clock):
    await bank.import_batch(tone_batch(1, overlap=1), filename="t.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    clock.advance(timedelta(hours=1))
    assert await bank.expire_leases()

    await bot.handle(press(WRITER, control(card, "3").action_id, message))
    redrawn = chat.last("update").card
    assert "If nobody has taken the slot, your answer is still accepted" in redrawn.blocks[0]
    await bot.handle(press(WRITER, control(redrawn, prefix="ans:1:tone").action_id, message, "0"))
    await bot.handle(press(WRITER, control(redrawn, prefix="ans:1:genre").action_id, message, "0"))
    await bot.handle(press(WRITER, control(redrawn, "Submit").action_id, message))
    assert chat.last("update").card.title.startswith("Saved — pending review")


async def test_a_late_answer_whose_slot_was_taken_says_another_writer_has_it(bank, clock):
    await bank.import_batch(tone_batch(1, overlap=1), filename="t.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    await bank.save_draft(1, WRITER.key, {"tone": "tense", "genre": ["noir"], "pacing": 3})
    clock.advance(timedelta(hours=1))
    await bank.expire_leases()
    await bot.handle(command(OTHER, "task"))
    await bot.handle(press(WRITER, control(card, "Submit").action_id, message))
    assert "another writer has taken the slot" in chat.last("update").card.blocks[0]
