"""Typed control and form ids: every id round-trips, fits Discord's 100 characters, and anything
the bot did not mint is refused in words (never a ValueError or an IndexError)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.actions import (
    MAX_ID_LENGTH,
    AcceptTerms,
    Answer,
    AnswerForm,
    Approve,
    NextTask,
    OpenForm,
    Reject,
    RejectForm,
    Release,
    Show,
    Skip,
    Submit,
    UnencodableId,
    parse_action,
    parse_form,
)
from taskbank.errors import ValidationFailed

LARGEST_ID = 10**18 - 1  # 18 digits: the most a stored id has
LONGEST_QUESTION = "q" + "x" * 39  # the question id pattern allows 40 characters

ids = st.integers(min_value=0, max_value=LARGEST_ID)
question_ids = st.from_regex(r"[a-z][a-z0-9_]{0,39}", fullmatch=True)
wanted = st.one_of(st.none(), ids.map(str), st.from_regex(r"[a-z][a-z0-9_]{0,39}", fullmatch=True))
actions = st.one_of(
    st.builds(Answer, ids, question_ids, st.one_of(st.none(), st.integers(-(10**17), 10**17))),
    st.builds(OpenForm, ids),
    st.builds(Submit, ids),
    st.builds(Skip, ids),
    st.builds(Release, ids),
    st.builds(Show, ids),
    st.just(NextTask()),
    st.builds(AcceptTerms, ids, wanted),
    st.builds(Approve, ids),
    st.builds(Reject, ids),
)
forms = st.one_of(st.builds(AnswerForm, ids), st.builds(RejectForm, ids))


def refusal(parse, text: str) -> str:
    with pytest.raises(ValidationFailed) as failure:
        parse(text)
    (problem,) = failure.value.problems
    assert problem.field == "control"
    return problem.message


@pytest.mark.parametrize(
    ("action", "wire"),
    [
        (Answer(4, "tone", 2), "ans:4:tone:2"),
        (Answer(4, "genre"), "ans:4:genre"),
        (Answer(4, "pacing", -2), "ans:4:pacing:-2"),
        (OpenForm(4), "form:4"),
        (Submit(4), "submit:4"),
        (Skip(4), "skip:4"),
        (Release(4), "release:4"),
        (Show(4), "show:4"),
        (NextTask(), "next"),
        (AcceptTerms(7), "terms:7"),
        (AcceptTerms(7, "dialogue_tone"), "terms:7:dialogue_tone"),
        (AcceptTerms(7, "12"), "terms:7:12"),
        (Approve(9), "approve:9"),
        (Reject(9), "reject:9"),
    ],
)
def test_every_control_id_keeps_the_wire_format_cards_were_posted_with(action, wire):
    assert action.encode() == wire
    assert parse_action(wire) == action


@pytest.mark.parametrize(
    ("form", "wire"), [(AnswerForm(4), "answer:4"), (RejectForm(9), "reject:9")]
)
def test_every_form_id_keeps_its_wire_format(form, wire):
    assert form.encode() == wire
    assert parse_form(wire) == form


@given(actions)
def test_any_control_id_parses_back_to_itself(action):
    assert parse_action(action.encode()) == action


@given(forms)
def test_any_form_id_parses_back_to_itself(form):
    assert parse_form(form.encode()) == form


def test_the_longest_real_ids_fit_discords_custom_id():
    longest = [
        Answer(LARGEST_ID, LONGEST_QUESTION, 24),
        Answer(LARGEST_ID, LONGEST_QUESTION, -(10**17) + 1),
        AcceptTerms(LARGEST_ID, "x" * 60),
        AcceptTerms(LARGEST_ID, str(LARGEST_ID)),
        Release(LARGEST_ID),
        Approve(LARGEST_ID),
        AnswerForm(LARGEST_ID),
        RejectForm(LARGEST_ID),
    ]
    for action in longest:
        assert len(action.encode()) <= MAX_ID_LENGTH
    assert len(Answer(LARGEST_ID, LONGEST_QUESTION, 24).encode()) == 66


@pytest.mark.parametrize(
    "action",
    [
        Answer(1, "q" * 200),  # too long for any chat
        Answer(1, "Not An Id"),  # would not parse back
        Submit(10**18),  # 19 digits: no stored id is that long
        AcceptTerms(1, "has:colon"),
        AcceptTerms(1, "page#2"),
    ],
)
def test_an_id_that_would_not_parse_back_or_fit_is_never_posted(action):
    with pytest.raises(UnencodableId):
        action.encode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "submit",
        "submit:",
        "submit:abc",
        "submit:1:2",
        "submit:1e5",
        "submit:-1",
        "submit:²",
        "submit:1\n",
        "ans:1",
        "ans:x:tone:1",
        "ans:1:Tone:1",
        "ans:1:tone:1:2",
        "ans:1:tone:",
        "next:",
        "terms:",
        "terms:²:x",
        "approve:٣",
        "answer:1",  # a form id, not a control
        "dance:1",
        "submit:" + "9" * 19,
    ],
)
def test_junk_wrong_arity_and_non_digit_ids_are_refused_in_words(text):
    assert "is not a control this bot made" in refusal(parse_action, text)


@pytest.mark.parametrize(
    "text", ["answer", "answer:", "answer:x", "reject:", "reject:two", "submit:1"]
)
def test_form_ids_of_the_wrong_shape_are_refused(text):
    assert "is not a control this bot made" in refusal(parse_form, text)


def test_a_huge_id_is_refused_quoting_a_short_prefix():
    message = refusal(parse_action, "ans:" + "1" * 10_000)
    assert message.startswith("'ans:1111") and "…'" in message
    assert len(message) < 100


@given(st.text(max_size=300))
def test_parsing_any_text_returns_an_id_or_a_refusal(text):
    for parse in (parse_action, parse_form):
        try:
            parsed = parse(text)
        except ValidationFailed as failure:
            assert failure.problems and failure.problems[0].field == "control"
        else:
            assert parse(parsed.encode()) == parsed


@given(
    st.from_regex(
        r"(ans|form|submit|skip|release|show|next|terms|approve|reject|answer):[\s\S]{0,60}"
    )
)
def test_parsing_near_misses_returns_an_id_or_a_refusal(text):
    try:
        parsed = parse_action(text)
    except ValidationFailed:
        return
    assert parse_action(parsed.encode()) == parsed


def test_an_id_with_leading_zeros_names_the_same_record_as_before():
    assert parse_action("submit:007") == Submit(7)
