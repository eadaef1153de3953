"""Question definitions no answer could satisfy are refused at import, located, all at once,
and nothing is stored; definitions that are merely unusual still import."""

from __future__ import annotations

from typing import Any

import pytest

from taskbank.errors import ValidationFailed
from taskbank.service import TaskBank
from tests.batches import header, jsonl

EXCERPT_TASK = {"id": "t1", "payload": {"excerpt": "A: Hello.\nB: Goodbye."}}


def custom(questions: list[dict[str, Any]], tasks: list[Any] | None = None) -> bytes:
    settings = header(template="custom", questions=questions, payload_fields={"excerpt": "text"})
    return jsonl(settings, tasks or [EXCERPT_TASK])


async def refused_import(bank: TaskBank, data: bytes) -> list[str]:
    """Import, expect a refusal that stores nothing; each problem as 'location: field: message'."""
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="b.jsonl")
    assert await bank.list_batches() == []
    assert all(p.location for p in raised.value.problems)
    return [str(p) for p in raised.value.problems]


def text(**bounds: Any) -> dict[str, Any]:
    return {"id": "scene", "kind": "text", "prompt": "Write", **bounds}


def labels(**fields: Any) -> dict[str, Any]:
    return {"id": "genre", "kind": "labels", "prompt": "Genres", **fields}


async def test_text_bounds_no_answer_can_meet_are_refused_with_every_reason(bank):
    # given a text question whose minimums pass its maximums in three ways
    question = text(min_chars=500, max_chars=100, min_words=60, max_words=10)
    # when it is imported
    problems = await refused_import(bank, custom([question]))
    # then one located problem names all three
    assert len(problems) == 1
    assert problems[0].startswith("b.jsonl:1: batch.questions #1: ")
    assert "min_chars 500 is more than max_chars 100" in problems[0]
    assert "min_words 60 is more than max_words 10" in problems[0]
    assert "min_words 60 needs at least 119 characters" in problems[0]
    assert problems[0].endswith("no answer could satisfy this question")


async def test_a_word_minimum_longer_than_the_default_character_limit_is_refused(bank):
    # given 2,500 words asked for under the default 4,000-character limit
    problems = await refused_import(bank, custom([text(min_words=2500)]))
    # then the file is refused saying why
    assert "min_words 2500 needs at least 4999 characters" in problems[0]


async def test_label_minimums_beyond_the_fixed_options_are_refused_all_at_once(bank):
    # given two labels questions asking for more labels than they offer
    four_of_three = labels(options=["a", "b", "c"], min_count=4)
    three_of_two = labels(id="mood", options=["a", "b"], min_count=3)
    # when both are imported in one file
    problems = await refused_import(bank, custom([four_of_three, three_of_two]))
    # then both questions are reported at once, each at its place in the file
    assert any(
        "batch.questions #1: " in p and "min_count 4 is more than the 3 options" in p
        for p in problems
    )
    assert any(
        "batch.questions #2: " in p and "min_count 3 is more than the 2 options" in p
        for p in problems
    )


async def test_a_label_maximum_beyond_the_fixed_options_is_clamped_to_them(bank):
    # given a labels question of three options allowing up to five
    question = labels(options=["a", "b", "c"], max_count=5)
    # when it is imported
    batch = await bank.import_batch(custom([question]), filename="b.jsonl")
    # then it imports, allowing all three (satisfiable, so not refused)
    assert batch.questions[0].max_count == 3
    assert (await bank.batch(batch.id)).questions[0].max_count == 3


async def test_a_label_minimum_above_a_tasks_own_options_is_refused_at_that_tasks_line(bank):
    # given labels read from each task, at least three to choose
    question = labels(options_from="choices", min_count=3)
    settings = header(
        template="custom",
        questions=[question],
        payload_fields={"excerpt": "text", "choices": "text list"},
    )
    good = {"id": "t1", "payload": {"excerpt": "x", "choices": ["a", "b", "c", "d"]}}
    short = {"id": "t2", "payload": {"excerpt": "x", "choices": ["a", "b"]}}
    # when the second task offers only two
    problems = await refused_import(bank, jsonl(settings, [good, short]))
    # then that task's line is refused, and nothing is imported
    assert problems == [
        "b.jsonl:3: payload.choices: 2 options, but question 'genre' needs at least 3 chosen"
    ]


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        ({"scale_min": 1, "scale_max": 1}, "between 2 and 11 points; 1 to 1 has 1"),
        ({"scale_min": 1, "scale_max": 20}, "between 2 and 11 points; 1 to 20 has 20"),
        ({"scale_min": 5, "scale_max": 1}, "between 2 and 11 points; 5 to 1 has 0"),
        ({"scale_min": -5000, "scale_max": -4995}, "scale ends must lie between -1,000 and 1,000"),
        ({"scale_max": True}, "expected a whole number, not true or false"),
        ({"scale_max": 10**30}, "cannot be stored exactly"),
        ({"scale_max": 5000}, "scale ends must lie between -1,000 and 1,000"),
    ],
    ids=["one-point", "twenty-points", "reversed", "far-below", "boolean", "huge", "far-above"],
)
async def test_rating_scales_must_be_short_and_sane(bank, scale, expected):
    # given a rating question with a broken scale
    question = {"id": "pace", "kind": "rating", "prompt": "Pace", **scale}
    # when it is imported
    problems = await refused_import(bank, custom([question]))
    # then the scale is refused, located
    assert any(expected in p and p.startswith("b.jsonl:1: batch.questions #1") for p in problems)


async def test_trigger_values_must_be_options_of_the_question_they_name(bank):
    # given a correction required when the verdict is one of two values, one not an option
    verdict = {"id": "verdict", "kind": "label", "prompt": "V", "options": ["ok", "wrong"]}
    correction = text(
        id="fix",
        required=False,
        required_if_answered="verdict",
        required_if_values=["wrong", "Wrong!"],
    )
    # when imported
    problems = await refused_import(bank, custom([verdict, correction]))
    # then the unknown value is named with the options it could have been
    assert len(problems) == 1
    assert (
        "question 'fix': required_if_values names 'Wrong!', not options of 'verdict'" in problems[0]
    )
    assert "(its options: 'ok', 'wrong')" in problems[0]


async def test_every_reference_problem_of_a_question_set_is_reported_at_once(bank):
    # given a question depending on itself, one on a missing question, one with values but no
    # trigger, one with an empty value list and one with values on a free-text question
    questions = [
        text(id="a", required=False, required_if_answered="a"),
        text(id="b", required=False, required_if_answered="nope"),
        text(id="c", required=False, required_if_values=["x"]),
        {"id": "d", "kind": "label", "prompt": "D", "options": ["x", "y"]},
        text(id="e", required=False, required_if_answered="d", required_if_values=[]),
        text(id="f", required=False, required_if_answered="a", required_if_values=["x"]),
    ]
    # when imported
    problems = await refused_import(bank, custom(questions))
    # then one problem lists them all
    assert len(problems) == 1
    for expected in (
        "question 'a' cannot depend on its own answer",
        "question 'b' depends on unknown question 'nope'",
        "question 'c': required_if_values goes with required_if_answered",
        "question 'e': required_if_values is empty",
        "question 'f': required_if_values needs a label, labels or rating question; 'a' is text",
    ):
        assert expected in problems[0]


async def test_options_must_show_something_and_hold_no_control_characters(bank):
    # given fixed options that are invisible or carry an escape sequence
    invisible = {"id": "x", "kind": "label", "prompt": "X", "options": ["ok", "\u200b\u2800"]}
    escaped = {"id": "y", "kind": "label", "prompt": "Y", "options": ["ok", "\x1b[31mred"]}
    # when each is imported
    blank = await refused_import(bank, custom([invisible]))
    controlled = await refused_import(bank, custom([escaped]))
    # then both are refused
    assert any(
        "options must not be blank (they need visible text)" in p or "shows nothing" in p
        for p in blank
    )
    assert any("control character U+001B" in p for p in controlled)


async def test_a_rating_trigger_fires_on_its_points_and_unusual_but_valid_bounds_import(bank):
    # given a rating whose low points require an explanation, and bounds that are tight but
    # satisfiable: labels of all three options, 3 words in exactly 5 characters
    questions = [
        {"id": "score", "kind": "rating", "prompt": "Score", "scale_min": 0, "scale_max": 4},
        text(id="why", required=False, required_if_answered="score", required_if_values=["0", "1"]),
        labels(options=["a", "b", "c"], min_count=3, max_count=3, required=False),
        text(id="tiny", required=False, min_words=3, max_words=3, max_chars=5),
    ]
    await bank.import_batch(custom(questions), filename="b.jsonl")
    claimed = await bank.claim("w1")
    # when a low score comes without a reason, then a high one
    with pytest.raises(ValidationFailed) as raised:
        await bank.submit(claimed.assignment.id, "w1", {"score": 1}, "k1")
    result = await bank.submit(claimed.assignment.id, "w1", {"score": 3, "tiny": "a b c"}, "k2")
    # then the reason was required for the low score only
    assert [p.field for p in raised.value.problems] == ["why"]
    assert result.submission.answers == {"score": 3, "tiny": "a b c"}
