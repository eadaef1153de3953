"""A ranked place whose pick the form never offered ("99", "-1", "x", "²", 10,000 digits) is
refused naming the question and the place, storing nothing; an empty place still clears it."""

from __future__ import annotations

import pytest

from bot.actions import EditForm
from bot.ui import FormErrors
from bot.widgets import widget_for
from taskbank.errors import ValidationFailed
from taskbank.questions import RankingQuestion
from tests.batches import header, jsonl
from tests.fake_chat import FakeChat
from tests.ux_helpers import WRITER, command, make_bot, press, submit_form

ENDINGS = ["Up", "Down", "Sideways"]
ORDER = RankingQuestion(id="order", prompt="Rank", options=ENDINGS)
JUNK = ["99", "3", "-1", "x", "²", "9" * 10_000, " 1", "0x1"]


def refused(values, saved=None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        widget_for(ORDER).read_form(ORDER, {}, values, saved)
    return caught.value


@pytest.mark.parametrize("junk", JUNK)
def test_a_pick_the_form_never_offered_is_refused_naming_the_question_and_place(junk):
    (problem,) = refused({"order.1": ("0",), "order.2": (junk,)}, ENDINGS).problems
    assert problem.field == "order"
    assert problem.message.startswith("2nd place: '")
    assert "is not one of the options; pick one from the menu" in problem.message
    assert len(problem.message) < 200  # a 10,000-digit pick is shown cut short


def test_every_junk_place_is_named_in_order():
    problems = refused({"order.1": "x", "order.2": "1", "order.3": "99"}).problems
    assert [p.message.split(":")[0] for p in problems] == ["1st place", "3rd place"]


@pytest.mark.parametrize("empty", ["", (), [], None])
def test_an_empty_place_still_clears_it(empty):
    kept = widget_for(ORDER).read_form(ORDER, {}, {"order.2": empty}, ENDINGS)
    assert kept == ["Up", "Sideways"]


# -- through the bot, on the fake chat ----------------------------------------------------------

TASK = {"id": "e1", "payload": {"excerpt": "x", "endings": ENDINGS}}


async def opened(bank, chat, editing=False):
    """A writer's ranking task with the 1st and 2nd places saved, and its form open."""
    await bank.import_batch(jsonl(header(template="rank_endings"), [TASK]), filename="e.jsonl")
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    message = chat.last("post").message
    await bank.save_draft(1, WRITER.key, {"ranking": ["Down", "Up"]})
    action = EditForm(1).encode() if editing else "form:1"
    await bot.handle(press(WRITER, action, message))
    return bot, chat.last("form").form, message


@pytest.mark.parametrize("editing", [False, True], ids=["submit", "save draft"])
async def test_a_forged_place_is_refused_in_words_and_the_draft_keeps_its_places(bank, editing):
    # given a ranking whose draft holds two places
    chat = FakeChat()
    bot, form, message = await opened(bank, chat, editing)
    sent = len(chat.sent)
    # when the form comes back with a place the menu never offered
    values = {"ranking.1": ("1",), "ranking.2": ("99",), "ranking.3": ("2",), "reason": "a b c d e"}
    errors = await bot.handle(submit_form(WRITER, form.form_id, values, message))
    # then the form stays open saying which place, beside the ranking, and nothing is stored
    assert isinstance(errors, FormErrors), chat.sent[sent:]
    assert errors.errors["ranking.1"].startswith("2nd place: '99' is not one of the options")
    assert await bank.draft(1) == {"ranking": ["Down", "Up"]}
    assert await bank.store.submission_for_assignment(1) is None
