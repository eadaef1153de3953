"""Issue 18 item 1: a project's guidelines are a button away on task, terms and review cards."""

from __future__ import annotations

from bot.handlers.reviewer import post_for_review
from tests.batches import TONE_ANSWER, header, jsonl, tone_task
from tests.fake_chat import FakeChat
from tests.ux_helpers import REVIEWER, WRITER, command, control, make_bot, press

GUIDE = "Label what is on the page, not what you imagine off it."


def _batch(terms: str | None = None) -> bytes:
    project = {"name": "Guided", "guidelines": GUIDE}
    if terms:
        project["terms"] = terms
    return jsonl(header(project=project), [tone_task(1), tone_task(2)])


async def _open_guidelines(bot, chat, actor, card, message):
    await bot.handle(press(actor, control(card, "Guidelines").action_id, message))
    shown = chat.last("post")
    assert shown.visibility == "private" and shown.to == actor.key
    return shown.card


async def test_the_terms_and_task_cards_open_the_guidelines(bank):
    await bank.import_batch(_batch(terms="Be kind."), filename="g.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    terms, message = chat.last("post").card, chat.last("post").message
    assert (await _open_guidelines(bot, chat, WRITER, terms, message)).blocks == (GUIDE,)
    await bot.handle(press(WRITER, control(terms, "I accept").action_id, message))
    task = chat.last("update").card
    guide = await _open_guidelines(bot, chat, WRITER, task, message)
    assert guide.title == "Guidelines of Guided" and guide.blocks == (GUIDE,)


async def test_the_review_card_opens_the_guidelines(bank):
    await bank.import_batch(_batch(), filename="g.jsonl")
    claimed = await bank.claim(WRITER.key)
    result = await bank.submit(claimed.assignment.id, WRITER.key, TONE_ANSWER, "k")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await post_for_review(bot.ctx, result.submission)
    posted = chat.last("post")
    guide = await _open_guidelines(bot, chat, REVIEWER, posted.card, posted.message)
    assert guide.blocks == (GUIDE,)


async def test_a_project_without_guidelines_shows_no_button(bank):
    await bank.import_batch(jsonl(header(), [tone_task(1)]), filename="n.jsonl")
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "task"))
    assert "Guidelines" not in [getattr(c, "label", "") for c in chat.last("post").card.controls()]
