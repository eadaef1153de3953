"""Widgets per question kind: each draws its question and reads its own answer back, shows the
question's help, and is found by kind (no kind without a widget)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.actions import Answer, parse_action
from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.ui import Button, ControlRow, Select
from bot.widgets import NOT_SENT, WIDGETS, widget_for
from bot.widgets.base import HELP_SHOWN
from taskbank.questions import (
    QUESTION_KINDS,
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
    RatingQuestion,
    RewriteQuestion,
    TextQuestion,
)
from tests.batches import header, jsonl
from tests.fake_chat import FakeChat

AID = 123456789012345678
PAYLOAD = {"line": "I am very tired today."}

option_lists = st.lists(
    st.text(alphabet="abcdefghij XYZ", min_size=1, max_size=12).filter(str.strip),
    min_size=2,
    max_size=25,
    unique_by=lambda option: " ".join(option.casefold().split()),  # distinct as options are read
)


def read_card(widget, question, row: ControlRow, payload=PAYLOAD):
    """What the chat would send for the row's chosen controls: a chosen button's click, or the
    select's current picks (an empty select sends no values)."""
    for control in row.controls:
        if isinstance(control, Button) and control.chosen:
            action = parse_action(control.action_id)
            assert isinstance(action, Answer)
            return widget.read_control(question, payload, action.pick, ())
        if isinstance(control, Select):
            action = parse_action(control.action_id)
            return widget.read_control(question, payload, action.pick, control.chosen)
    return None


def read_form(widget, question, chosen, payload=PAYLOAD):
    inputs = widget.form_inputs(question, payload, chosen, None)
    values = {i.input_id: i.value if i.value is not None else "" for i in inputs}
    return widget.read_form(question, payload, values, None)


def test_every_question_kind_has_a_widget():
    assert set(WIDGETS) == set(QUESTION_KINDS)
    for kind, widget in WIDGETS.items():
        assert widget.kind == kind


@given(option_lists, st.data())
def test_a_label_drawn_with_its_answer_reads_back_the_same(options, data):
    question = LabelQuestion(id="tone", prompt="Tone", options=options)
    answer = data.draw(st.sampled_from(options))
    widget = widget_for(question)
    row = widget.card_row(AID, question, PAYLOAD, answer, None)
    assert read_card(widget, question, row) == answer
    assert question.normalize(answer, PAYLOAD) == answer


@given(option_lists, st.data())
def test_labels_drawn_with_their_answer_read_back_the_same(options, data):
    question = LabelsQuestion(id="genre", prompt="Genre", options=options, min_count=0)
    picked = data.draw(st.lists(st.sampled_from(options), unique=True))
    answer = question.normalize(picked, PAYLOAD)
    widget = widget_for(question)
    row = widget.card_row(AID, question, PAYLOAD, answer, None)
    assert read_card(widget, question, row) == answer


@given(st.integers(-20, 20), st.integers(1, 10), st.data())
def test_a_rating_drawn_with_its_answer_reads_back_the_same(low, span, data):
    question = RatingQuestion(id="pacing", prompt="Pacing", scale_min=low, scale_max=low + span)
    answer = data.draw(st.integers(low, low + span))
    widget = widget_for(question)
    row = widget.card_row(AID, question, PAYLOAD, answer, None)
    assert read_card(widget, question, row) == question.normalize(answer, PAYLOAD) == answer


@given(option_lists, st.data())
def test_a_ranking_drawn_with_its_answer_reads_back_the_same(options, data):
    question = RankingQuestion(id="order", prompt="Rank", options=options)
    answer = data.draw(st.permutations(options))
    widget = widget_for(question)
    assert read_form(widget, question, answer) == question.normalize(answer, PAYLOAD) == answer


@given(st.text(min_size=1, max_size=400).filter(str.strip))
def test_a_text_drawn_with_its_answer_reads_back_the_same(text):
    question = TextQuestion(id="scene", prompt="Write")
    assert read_form(widget_for(question), question, text) == text


@given(st.text(min_size=1, max_size=400).filter(str.strip))
def test_a_rewrite_drawn_with_its_answer_reads_back_the_same(text):
    question = RewriteQuestion(id="rewrite", prompt="Rewrite", original_from="line")
    assert read_form(widget_for(question), question, text) == text


def test_a_form_page_without_a_questions_inputs_leaves_its_answer_alone():
    ranking = RankingQuestion(id="order", prompt="Rank", options=["a", "b", "c"])
    text = TextQuestion(id="scene", prompt="Write")
    for question in (ranking, text):
        assert widget_for(question).read_form(question, PAYLOAD, {"other": "x"}, None) is NOT_SENT
    # A page carrying only the 3rd place keeps the saved 1st and 2nd.
    kept = widget_for(ranking).read_form(ranking, PAYLOAD, {"order.3": ("0",)}, ["c", "b"])
    assert kept == ["c", "b", "a"]


def test_a_problem_goes_beside_the_input_it_is_about():
    assert (
        widget_for(RankingQuestion(id="order", prompt="R", options=["a", "b"])).error_input(
            RankingQuestion(id="order", prompt="R", options=["a", "b"])
        )
        == "order.1"
    )
    text = TextQuestion(id="scene", prompt="Write")
    assert widget_for(text).error_input(text) == "scene"
    label = LabelQuestion(id="tone", prompt="Tone", options=["a", "b"])
    assert widget_for(label).error_input(label) is None  # shown on the card


def test_a_card_question_shows_its_help_under_the_caption():
    question = LabelQuestion(id="tone", prompt="Tone", options=["a", "b"], help="Pick the mood.")
    row = widget_for(question).card_row(AID, question, PAYLOAD, None, "an answer is required")
    assert row.caption == "Tone: —  ⚠ an answer is required\nPick the mood."


def test_a_form_question_shows_its_help_as_the_hint():
    text = TextQuestion(id="scene", prompt="Write", help="Two voices.", min_words=5, max_words=50)
    (field,) = widget_for(text).form_inputs(text, PAYLOAD, None, None)
    assert field.hint == "Two voices. · 5–50 words"
    rewrite = RewriteQuestion(id="rewrite", prompt="Rewrite", original_from="line", help="Warmer.")
    (field,) = widget_for(rewrite).form_inputs(rewrite, PAYLOAD, None, None)
    assert field.hint == "Original: I am very tired today. · Warmer."
    ranking = RankingQuestion(id="order", prompt="Rank", options=["a", "b"], help="Best first.")
    first, second = widget_for(ranking).form_inputs(ranking, PAYLOAD, None, None)
    assert first.hint == "Best first." and second.hint is None


def test_a_long_help_is_cut_with_an_ellipsis():
    question = RatingQuestion(id="pacing", prompt="Pacing", help="slow " * 200)
    caption = widget_for(question).card_row(AID, question, PAYLOAD, None, None).caption
    shown = caption.split("\n", 1)[1]
    assert len(shown) == HELP_SHOWN and shown.endswith("…")


def test_a_question_answered_in_the_form_has_no_card_control():
    question = TextQuestion(id="scene", prompt="Write")
    with pytest.raises(NotImplementedError):
        widget_for(question).card_row(AID, question, PAYLOAD, None, None)


async def test_the_help_in_a_batch_file_reaches_the_card_and_the_form(bank):
    questions = [
        {"id": "tone", "kind": "label", "prompt": "Tone", "options": ["warm", "cold"]},
        {"id": "why", "kind": "text", "prompt": "Why?", "help": "One sentence is enough."},
    ]
    questions[0]["help"] = "The mood of the whole exchange."
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=questions)
    await bank.import_batch(
        jsonl(settings, [{"id": "h1", "payload": {"excerpt": "A: Hi."}}]), filename="h.jsonl"
    )
    chat = FakeChat()
    taskbot = Taskbot(BotContext(bank, chat, Roles(writers=("*",))))
    writer, here = Actor("test", "wendy"), Place("general")
    await taskbot.handle(CommandEvent(writer, here, "task"))
    sent = chat.last("post")
    captions = [row.caption for row in sent.card.rows if row.caption]
    assert captions == ["Tone: —\nThe mood of the whole exchange."]
    opener = next(c for c in sent.card.controls() if c.action_id.startswith("form:"))
    await taskbot.handle(ActionEvent(writer, here, opener.action_id, (), sent.message))
    (field,) = chat.last("form").form.inputs
    assert field.hint == "One sentence is enough."
