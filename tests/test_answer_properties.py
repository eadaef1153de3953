"""Properties of answer validation: whatever arrives, the outcome is normalised answers or
ValidationFailed, and what is accepted is stable, clean and within its question's bounds."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskbank.answer_text import measure
from taskbank.errors import ValidationFailed
from taskbank.questions import (
    MAX_DRAFT_BYTES,
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
    RatingQuestion,
    RewriteQuestion,
    TextQuestion,
    merge_draft,
    validate_response,
)
from taskbank.templates import BUILTIN_TEMPLATES

FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ENDINGS = ["She leaves.", "He stays.", "They both go.", "Nobody moves."]
LINE = "I am experiencing a significant level of fatigue."

# One of each kind, with bounds of every sort, and the payload they read.
KINDS = [
    LabelQuestion(id="tone", prompt="Tone", options=["tense", "warm", "comic"]),
    LabelsQuestion(
        id="genre", prompt="Genre", options=["drama", "noir", "comedy"], min_count=1, max_count=2
    ),
    LabelsQuestion(id="endings_liked", prompt="Liked", options_from="endings", required=False),
    RatingQuestion(id="pacing", prompt="Pacing", scale_min=-2, scale_max=3),
    RankingQuestion(id="ranking", prompt="Rank", options_from="endings"),
    TextQuestion(id="note", prompt="Note", min_chars=3, max_chars=60, min_words=2, max_words=8),
    TextQuestion(id="free", prompt="Anything", required=False, max_chars=None),
    RewriteQuestion(id="rewrite", prompt="Rewrite", original_from="line", max_chars=200),
]
KINDS_PAYLOAD = {"endings": ENDINGS, "line": LINE}

SAMPLE_TEXT = {
    "line": LINE,
    "excerpt": "MAYA: You kept the letter.\nJON: I kept all of them.",
    "character": "MAYA",
    "prompt": "Two strangers share a lift that will not move.",
    "idea": "A lighthouse keeper receives letters from the future.",
    "question": "tone",
    "earlier_label": "tense",
}


def template_payload(name: str) -> dict[str, Any]:
    """A payload every field of the template is happy with."""
    fields = BUILTIN_TEMPLATES[name].payload_fields
    return {
        field: (ENDINGS if kind == "text list" else SAMPLE_TEXT.get(field, "Some text to read."))
        for field, kind in fields.items()
    }


HOSTILE = [
    "\x00",
    "\x1b[31m",
    "\x07",
    "\x08",
    "\r\n",
    "\r",
    "\x85",
    "\u2028",
    "\t",
    "\n",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u2800",
    "\u3164",
    "\u115f",
    "\u0301",
    "\u202e",
    "\u2066",
    "\u00ad",
    "\ud800",
    "\udfff",
    "e\u0301",
    " ",
    "\u3000",
    "--3",
    "²",
    "٣",
    " 3.0",
    "3",
    "-1",
]
# Built when drawn, so no strategy's repr has to print a 5,000-digit number or a 1 MB string.
HUGE = st.sampled_from(
    [
        lambda: "x" * 1_000_000,
        lambda: "9" * 5000,
        lambda: "word " * 30_000,
        lambda: ["drama"] * 100_000,
        lambda: 10**5000,
        lambda: -(2**80),
        lambda: 1e308,
        lambda: float("nan"),
    ]
).map(lambda make: make())

PLAIN_WORDS = ["word", "fall", "scene", "café", "ok", "night", "rain", "Ωmega", "e\u0301"]
words = st.lists(st.sampled_from(PLAIN_WORDS), max_size=12).map(" ".join) | st.lists(
    st.sampled_from(PLAIN_WORDS + HOSTILE[:24]), max_size=12
).map(" ".join)
texts = st.lists(
    st.characters()
    | st.sampled_from(HOSTILE)
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    max_size=30,
).map("".join)
option_like = st.sampled_from(
    ["tense", "warm", "comic", "drama", "noir", "comedy", *ENDINGS, "tense ", "Tense"]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | texts
    | words
    | option_like
    | st.sampled_from(HOSTILE)
    | HUGE
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.text(max_size=4) | st.integers(), children, max_size=3)
    ),
    max_leaves=12,
)
answer_values = json_like | st.lists(option_like, max_size=5) | st.permutations(ENDINGS)


def plausible(question, payload):
    """Values close to right for this question, hostile characters mixed in now and then."""
    if isinstance(question, RatingQuestion):
        near = st.integers(question.scale_min - 1, question.scale_max + 1)
        return (
            near
            | near.map(str)
            | st.tuples(near, st.sampled_from(HOSTILE)).map(lambda pair: f"{pair[0]}{pair[1]}")
        )
    if isinstance(question, TextQuestion | RewriteQuestion):
        return words | st.tuples(words, st.sampled_from(HOSTILE), words).map("".join)
    options = question.resolve_options(payload)
    if isinstance(question, LabelQuestion):
        return st.sampled_from(options) | st.sampled_from(options).map(lambda o: o + "\u200b")
    if isinstance(question, RankingQuestion):
        return st.permutations(options)
    return st.lists(st.sampled_from(options), unique=True, max_size=len(options))


def responses(questions, payload):
    """A response: for each question nothing, something plausible or anything at all; extra keys."""
    per_question = st.fixed_dictionaries(
        {},
        optional={
            q.id: st.one_of(plausible(q, payload), plausible(q, payload), answer_values)
            for q in questions
        },
    )
    extra = st.dictionaries(
        st.text(max_size=6) | st.integers() | st.none(), answer_values, max_size=2
    )
    return st.tuples(per_question, extra).map(lambda pair: {**pair[1], **pair[0]})


def strings_in(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def assert_clean(questions, payload, answers: dict[str, Any]) -> None:
    """What an accepted answer must be: stable, clean text, and inside its question's bounds."""
    assert validate_response(questions, payload, answers) == answers
    by_id = {q.id: q for q in questions}
    assert set(answers) <= set(by_id)
    for text in (s for value in answers.values() for s in strings_in(value)):
        assert unicodedata.is_normalized("NFC", text)
        assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text)
        assert not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in text)
    for question_id, value in answers.items():
        question = by_id[question_id]
        if isinstance(question, TextQuestion | RewriteQuestion):
            chars, count = measure(value)
            assert chars >= (question.min_chars or 1)
            assert len(value) <= question.char_limit
            assert count >= (question.min_words or 0)
            assert question.max_words is None or count <= question.max_words
        elif isinstance(question, RatingQuestion):
            assert type(value) is int and question.scale_min <= value <= question.scale_max
        elif isinstance(question, LabelQuestion):
            assert value in question.resolve_options(payload)
        else:
            assert set(value) <= set(question.resolve_options(payload))


def optional(questions):
    """The same questions, none of them required, so that single good answers are accepted."""
    return [
        q.model_copy(update={"required": False, "required_if_answered": None}) for q in questions
    ]


def validate_or_refuse(questions, payload, response) -> None:
    """Validate as asked and with every question optional: answers or ValidationFailed only."""
    for asked in (questions, optional(questions)):
        _validate_or_refuse(asked, payload, response)


def _validate_or_refuse(questions, payload, response) -> None:
    try:
        answers = validate_response(questions, payload, response)
    except ValidationFailed as failure:
        assert failure.problems
        for problem in failure.problems:  # every message quotes at most a short prefix
            assert len(problem.message) < 1500 and len(problem.field) < 100
        return
    assert_clean(questions, payload, answers)


@FEW
@given(responses(KINDS, KINDS_PAYLOAD))
def test_every_kind_normalises_or_refuses_any_value(response):
    validate_or_refuse(KINDS, KINDS_PAYLOAD, response)


@FEW
@given(st.sampled_from(sorted(BUILTIN_TEMPLATES)), st.data())
def test_every_builtin_template_normalises_or_refuses_any_response(name, data):
    questions = BUILTIN_TEMPLATES[name].questions
    response = data.draw(responses(questions, template_payload(name)))
    validate_or_refuse(questions, template_payload(name), response)


@FEW
@given(st.sampled_from(KINDS), texts | words)
def test_accepted_text_is_stable_and_visible(question, text):
    validate_or_refuse([question], KINDS_PAYLOAD, {question.id: text})


@FEW
@given(
    st.dictionaries(st.sampled_from([q.id for q in KINDS]), answer_values, max_size=4), st.data()
)
def test_a_draft_is_kept_clean_and_small_or_refused(answers, data):
    stored = data.draw(
        st.dictionaries(st.sampled_from([q.id for q in KINDS]), json_like, max_size=3)
    )
    try:
        draft = merge_draft(KINDS, KINDS_PAYLOAD, stored, answers)
    except ValidationFailed as failure:
        assert all(len(p.message) < 1500 for p in failure.problems)
        return
    encoded = json.dumps(draft, ensure_ascii=False, allow_nan=False)
    assert len(encoded.encode()) <= MAX_DRAFT_BYTES
    for text in (s for value in draft.values() for s in strings_in(value)):
        assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text)
    assert merge_draft(KINDS, KINDS_PAYLOAD, {}, draft) == draft
