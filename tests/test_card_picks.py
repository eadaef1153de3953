"""A label or labels pick the menu never offered (an index past the end, a negative or junk
value, a forged button) is refused naming the question, and the saved answer stays as it was."""

from __future__ import annotations

import pytest

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.widgets import widget_for
from taskbank.errors import ValidationFailed
from taskbank.questions import LabelQuestion, LabelsQuestion
from tests.batches import tone_batch
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
HERE = Place("general")
SAVED = {"tone": "tense", "genre": ["noir", "comedy"]}
PAYLOAD = {"line": "I am very tired today."}


@pytest.fixture
def bank(chat_bank):
    return chat_bank


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    return Taskbot(BotContext(bank, chat, Roles(writers=("*",))))


@pytest.mark.parametrize(
    "question, values",
    [
        ("tone", ("99",)),
        ("tone", ("-1",)),
        ("tone", ("x",)),
        ("tone", ("²",)),
        ("genre", ("0", "99")),
        ("genre", ("x",)),
    ],
)
async def test_a_pick_the_menu_never_offered_is_refused_and_the_answer_kept(
    taskbot, chat, bank, question, values
):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await taskbot.handle(CommandEvent(WRITER, HERE, "task", ()))
    card = chat.last("post")
    assignment = (await bank.active_assignments(WRITER.key))[0]
    await bank.save_draft(assignment.id, WRITER.key, SAVED)

    action = f"ans:{assignment.id}:{question}"
    await taskbot.handle(ActionEvent(WRITER, HERE, action, values, card.message))

    told = chat.last().card
    assert told.title == "That didn't work"
    assert f"{question}: '{values[-1]}' is not one of the options" in " ".join(told.blocks).lower()
    assert await bank.draft(assignment.id) == SAVED


async def test_a_forged_button_past_the_last_option_is_refused(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await taskbot.handle(CommandEvent(WRITER, HERE, "task", ()))
    assignment = (await bank.active_assignments(WRITER.key))[0]
    await bank.save_draft(assignment.id, WRITER.key, SAVED)
    await taskbot.handle(ActionEvent(WRITER, HERE, f"ans:{assignment.id}:tone:99", ()))
    assert "tone: '99' is not one of the options" in " ".join(chat.last().card.blocks).lower()
    assert await bank.draft(assignment.id) == SAVED


def test_clearing_a_select_still_clears_the_answer():
    label = LabelQuestion(id="tone", prompt="Tone", options=["calm", "tense"])
    labels = LabelsQuestion(id="genre", prompt="Genre", options=["noir", "comedy"], min_count=0)
    assert widget_for(label).read_control(label, PAYLOAD, None, ()) is None
    assert widget_for(labels).read_control(labels, PAYLOAD, None, ()) == []


@pytest.mark.parametrize("kind", [LabelQuestion, LabelsQuestion])
def test_the_widget_refuses_an_index_past_the_options(kind):
    question = kind(id="q", prompt="Pick", options=["a", "b"])
    with pytest.raises(ValidationFailed) as refused:
        widget_for(question).read_control(question, PAYLOAD, None, ("1", "2"))
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("q", "'2' is not one of the options; pick one from the menu")
    ]
