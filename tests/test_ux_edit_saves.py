"""Issue 18 item 10: "Edit your answer…" opens the form to save a draft; only Submit submits."""

from __future__ import annotations

from tests.batches import header, jsonl
from tests.fake_chat import FakeChat
from tests.ux_helpers import WRITER, command, control, make_bot, press, submit_form


def _batch() -> bytes:
    questions = [
        {"id": "mood", "kind": "label", "prompt": "Mood", "options": ["calm", "tense"]},
        {"id": "note", "kind": "text", "prompt": "Your note", "max_chars": 200},
    ]
    fields = {"excerpt": "text"}
    settings = header(template="custom", payload_fields=fields, questions=questions)
    return jsonl(settings, [{"id": "c1", "payload": {"excerpt": "A: Hi."}}])


async def test_editing_a_written_answer_saves_it_and_submits_nothing(bank):
    await bank.import_batch(_batch(), filename="c.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    await bot.handle(press(WRITER, control(card, "Write your answer…").action_id, message))
    first = chat.last("form").form
    assert first.submit_label == "Submit"
    # Written but the mood is missing: nothing is stored, the card asks for the mood.
    await bot.handle(submit_form(WRITER, first.form_id, {"note": "first try"}, message))
    card = chat.last("update").card
    edit = control(card, "Edit your answer…")

    await bot.handle(press(WRITER, edit.action_id, message))
    form = chat.last("form").form
    assert form.submit_label == "Save draft" and form.inputs[0].value == "first try"
    await bot.handle(submit_form(WRITER, form.form_id, {"note": "second try"}, message))

    assert await bank.submission_for(1) is None
    assert (await bank.draft(1))["note"] == "second try"
    card = chat.last("update").card
    assert any("Draft saved" in block for block in card.blocks)
    await bot.handle(press(WRITER, control(card, "calm").action_id, message))
    await bot.handle(press(WRITER, control(chat.last("update").card, "Submit").action_id, message))
    submitted = await bank.submission_for(1)
    assert submitted is not None and submitted.answers == {"mood": "calm", "note": "second try"}
