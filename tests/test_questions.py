"""Question kinds: each validates an answer and says exactly what is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskbank.answer_text import measure
from taskbank.errors import ValidationFailed
from taskbank.questions import (
    InvalidAnswer,
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
    RatingQuestion,
    RewriteQuestion,
    TextQuestion,
    check_question_set,
    gold_agreement,
    validate_response,
)
from taskbank.questions.choices import _as_read
from taskbank.templates import BUILTIN_TEMPLATES

NO_PAYLOAD: dict = {}
TONE = LabelQuestion(id="tone", prompt="Tone", options=["tense", "warm", "comic"])
GENRES = LabelsQuestion(
    id="genre", prompt="Genre", options=["drama", "comedy", "noir"], min_count=1, max_count=2
)
PACING = RatingQuestion(
    id="pacing", prompt="Pacing", scale_min=1, scale_max=5, min_label="slow", max_label="fast"
)
ENDINGS = RankingQuestion(id="ranking", prompt="Rank", options_from="endings")
REASON = TextQuestion(id="reason", prompt="Why", min_words=3, max_chars=50)
REWRITE = RewriteQuestion(id="rewrite", prompt="Rewrite", original_from="line", min_distance=0.3)


def test_label_accepts_an_option_and_names_the_options_when_wrong():
    assert TONE.normalize("warm", NO_PAYLOAD) == "warm"
    with pytest.raises(
        InvalidAnswer, match="'sad' is not an option; expected one of 'tense', 'warm', 'comic'"
    ):
        TONE.normalize("sad", NO_PAYLOAD)


def test_labels_enforce_subset_uniqueness_and_count_bounds():
    assert GENRES.normalize(["noir", "drama"], NO_PAYLOAD) == ["drama", "noir"]
    with pytest.raises(InvalidAnswer, match="not options: 'horror'"):
        GENRES.normalize(["horror"], NO_PAYLOAD)
    with pytest.raises(InvalidAnswer, match="only once"):
        GENRES.normalize(["noir", "noir"], NO_PAYLOAD)
    with pytest.raises(InvalidAnswer, match="at most 2, got 3"):
        GENRES.normalize(["noir", "drama", "comedy"], NO_PAYLOAD)
    with pytest.raises(InvalidAnswer, match="at least 1, got 0"):
        GENRES.normalize([], NO_PAYLOAD)


def test_rating_is_a_whole_number_on_the_scale():
    assert PACING.normalize(4, NO_PAYLOAD) == 4
    assert PACING.normalize("2", NO_PAYLOAD) == 2
    with pytest.raises(
        InvalidAnswer,
        match="6 is off the scale; expected a whole number from 1 \\(slow\\) to 5 \\(fast\\)",
    ):
        PACING.normalize(6, NO_PAYLOAD)
    for wrong in (True, 2.5, "fast", None):
        with pytest.raises(InvalidAnswer):
            PACING.normalize(wrong, NO_PAYLOAD)


def test_ranking_needs_every_option_once_and_reports_all_faults():
    payload = {"endings": ["A", "B", "C"]}
    assert ENDINGS.normalize(["C", "A", "B"], payload) == ["C", "A", "B"]
    with pytest.raises(InvalidAnswer) as raised:
        ENDINGS.normalize(["A", "A", "D"], payload)
    message = str(raised.value)
    assert "not options: 'D'" in message
    assert "ranked more than once: 'A'" in message
    assert "missing: 'B', 'C'" in message


def test_text_is_trimmed_and_bounded_in_words_and_characters():
    assert REASON.normalize("  it feels earned  ", NO_PAYLOAD) == "it feels earned"
    with pytest.raises(InvalidAnswer, match="blank"):
        REASON.normalize("   ", NO_PAYLOAD)
    with pytest.raises(InvalidAnswer, match="2 words, at least 3"):
        REASON.normalize("too short", NO_PAYLOAD)
    with pytest.raises(InvalidAnswer, match="at most 50 allowed"):
        REASON.normalize("word " * 20, NO_PAYLOAD)


def test_rewrite_refuses_case_and_punctuation_only_changes():
    payload = {"line": "I am experiencing fatigue."}
    with pytest.raises(InvalidAnswer, match="only case, punctuation or spacing changed"):
        REWRITE.normalize("i am EXPERIENCING fatigue!!", payload)


def test_rewrite_refuses_a_near_copy_and_says_how_much_changed():
    payload = {"line": "I am experiencing a significant level of fatigue."}
    with pytest.raises(
        InvalidAnswer, match=r"too close to the original \(\d+% changed, at least 30% expected\)"
    ):
        REWRITE.normalize("I am experiencing a significant amount of fatigue.", payload)
    assert REWRITE.normalize("I'm dead on my feet.", payload) == "I'm dead on my feet."


def test_validate_response_lists_every_problem_at_once():
    with pytest.raises(ValidationFailed) as raised:
        validate_response(
            [TONE, GENRES, PACING], NO_PAYLOAD, {"tone": "sad", "pacing": 9, "mood": "x"}
        )
    fields = sorted(p.field for p in raised.value.problems)
    assert fields == ["genre", "mood", "pacing", "tone"]


def test_optional_questions_may_be_left_out():
    optional = TextQuestion(id="note", prompt="Note", required=False)
    assert validate_response([TONE, optional], NO_PAYLOAD, {"tone": "warm", "note": "  "}) == {
        "tone": "warm"
    }


def test_bias_explanation_becomes_required_when_a_flag_is_set():
    questions = BUILTIN_TEMPLATES["bias_flags"].questions
    assert validate_response(questions, {}, {"flags": []}) == {}
    with pytest.raises(ValidationFailed) as raised:
        validate_response(questions, {}, {"flags": ["age stereotype"]})
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("explanation", "required because of the answer to 'flags'")
    ]


def test_consistency_correction_is_required_only_for_an_inconsistent_verdict():
    questions = BUILTIN_TEMPLATES["consistency_check"].questions
    assert validate_response(questions, {}, {"verdict": "consistent"}) == {"verdict": "consistent"}
    with pytest.raises(ValidationFailed):
        validate_response(questions, {}, {"verdict": "inconsistent"})


def test_question_sets_refuse_duplicates_and_dangling_references():
    with pytest.raises(ValueError, match="repeated: tone"):
        check_question_set([TONE, TONE])
    with pytest.raises(ValueError, match="unknown question 'nope'"):
        check_question_set([TextQuestion(id="x", prompt="x", required_if_answered="nope")])


def test_options_must_be_distinct_and_come_from_one_source():
    with pytest.raises(ValueError, match="distinct"):
        LabelQuestion(id="a", prompt="a", options=["x", "X"])
    with pytest.raises(ValueError, match="exactly one"):
        LabelQuestion(id="a", prompt="a", options=["x", "y"], options_from="z")


def test_gold_agreement_compares_sets_for_multi_labels():
    assert gold_agreement([GENRES], {"genre": ["drama", "noir"]}, {"genre": ["noir", "drama"]})
    assert not gold_agreement([TONE], {"tone": "warm"}, {"tone": "tense"})


def test_every_template_has_unique_question_ids_and_instructions():
    for template in BUILTIN_TEMPLATES.values():
        check_question_set(template.questions)
        assert template.instructions and template.version >= 1


# -- properties -----------------------------------------------------------------------------

# Options are visible text without control or format characters (those are refused at import).
options_strategy = st.lists(
    st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs")), min_size=1, max_size=8).filter(
        lambda option: measure(option)[0]
    ),
    min_size=2,
    max_size=8,
    unique_by=_as_read,  # distinct as an import reads options
)


@given(options_strategy, st.data())
def test_ranking_accepts_exactly_the_permutations(options, data):
    question = RankingQuestion(id="r", prompt="r", options=options)
    answer = data.draw(st.lists(st.sampled_from(options), max_size=len(options) + 1))
    is_permutation = sorted(answer) == sorted(options)
    try:
        question.normalize(answer, {})
        accepted = True
    except InvalidAnswer:
        accepted = False
    assert accepted == is_permutation


@given(options_strategy, st.data())
def test_labels_accept_exactly_the_subsets_within_bounds(options, data):
    low = data.draw(st.integers(0, len(options)))
    high = data.draw(st.integers(max(low, 1), len(options)))
    question = LabelsQuestion(id="l", prompt="l", options=options, min_count=low, max_count=high)
    answer = data.draw(st.lists(st.sampled_from(options), max_size=len(options) + 1))
    expected = len(set(answer)) == len(answer) and low <= len(answer) <= high
    try:
        normalized = question.normalize(answer, {})
        assert set(normalized) == set(answer)
        accepted = True
    except InvalidAnswer:
        accepted = False
    assert accepted == expected


@given(st.integers(-5, 5), st.integers(1, 10), st.integers(-20, 20))
def test_rating_accepts_exactly_the_scale(low, width, value):
    question = RatingQuestion(id="r", prompt="r", scale_min=low, scale_max=low + width)
    try:
        assert question.normalize(value, {}) == value
        accepted = True
    except InvalidAnswer:
        accepted = False
    assert accepted == (low <= value <= low + width)


@given(st.text(min_size=1, max_size=80))
def test_a_rewrite_equal_to_the_original_is_always_refused(line):
    question = RewriteQuestion(id="w", prompt="w", original_from="line")
    with pytest.raises(InvalidAnswer):
        question.normalize(line, {"line": line})
