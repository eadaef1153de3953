"""Hostile answers through the answer form, on both stores: a form's refused values come back
beside their fields (the form kept open), and nothing is stored."""

from __future__ import annotations

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, FormSubmitEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.ui import FormErrors
from taskbank.service import TaskBank
from tests.batches import header, jsonl
from tests.fake_chat import FakeChat

# -- through the answer form ------------------------------------------------------------------

WRITER = Actor("test", "wendy")
HERE = Place("general")


def form_bot(bank: TaskBank, chat: FakeChat) -> Taskbot:
    return Taskbot(BotContext(bank, chat, Roles(writers=("*",)), time_zone="UTC"))


async def open_form(bank: TaskBank, taskbot: Taskbot, chat: FakeChat, data: bytes):
    await bank.import_batch(data, filename="b.jsonl")
    await taskbot.handle(CommandEvent(WRITER, HERE, "task", ()))
    message = chat.last("post").message
    await taskbot.handle(ActionEvent(WRITER, HERE, "form:1", (), message))
    return chat.last("form").form, message


async def test_a_ranking_place_that_is_not_a_plain_number_is_refused_by_place_not_a_crash(bank):
    # given a ranking form of three places
    chat = FakeChat()
    taskbot = form_bot(bank, chat)
    task = {"id": "e1", "payload": {"excerpt": "x", "endings": ["Up", "Down", "Sideways"]}}
    form, message = await open_form(
        bank, taskbot, chat, jsonl(header(template="rank_endings"), [task])
    )
    # when a client sends "²" and a 10,000-digit number as places
    values = {"ranking.1": "²", "ranking.2": "9" * 10_000, "ranking.3": "0", "reason": "a b c d e"}
    errors = await taskbot.handle(FormSubmitEvent(WRITER, HERE, form.form_id, values, message))
    # then the writer is told which places hold picks the form never offered, and nothing is
    # stored (neither read as empty places, which a saved draft would lose without a word)
    assert isinstance(errors, FormErrors)
    said = errors.errors["ranking.1"]  # the form stays open, the places named beside it
    assert "1st place: '²' is not one of the options" in said
    assert "2nd place: '9999" in said and len(said) < 400
    assert await bank.store.submission_for_assignment(1) is None
    assert await bank.draft(1) == {}


async def test_a_twenty_megabyte_form_answer_is_refused_beside_its_field_and_not_stored(bank):
    # given a scene form
    chat = FakeChat()
    taskbot = form_bot(bank, chat)
    task = {"id": "s1", "payload": {"prompt": "A lift."}}
    form, message = await open_form(
        bank, taskbot, chat, jsonl(header(template="scene_from_prompt"), [task])
    )
    # when the scene sent is 20 MB
    values = {"scene": "word " * 4_000_000}
    errors = await taskbot.handle(FormSubmitEvent(WRITER, HERE, form.form_id, values, message))
    # then the form stays open saying why (not holding the 20 MB to show again), and neither a
    # draft nor a submission is stored
    assert isinstance(errors, FormErrors) and errors.form is not None
    assert "too long to keep: 20,000,000 characters, at most 20,000" in errors.errors["scene"]
    assert all(len(str(item.value or "")) < 100 for item in errors.form.inputs)
    assert await bank.draft(1) == {}
    assert await bank.store.submission_for_assignment(1) is None
