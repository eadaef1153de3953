"""Fuzzing findings on option lists: a pick the card offers is kept as a draft exactly as the
answer takes it, whatever Unicode form its label is written in, and options that read the same
(the same text in another Unicode form) are refused at import."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from taskbank.questions import QUESTION_LIST
from tests.batches import header, jsonl

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DECOMPOSED = "Cafe\u0301"  # "Café" as macOS and many editors write it (NFD)


def choice_questions(options: list[str]) -> list:
    return QUESTION_LIST.validate_python(
        [
            {"id": "fixed", "kind": "label", "prompt": "Pick", "options": options},
            {"id": "many", "kind": "labels", "prompt": "Pick", "options": options},
            {"id": "per", "kind": "label", "prompt": "Pick", "options_from": "opts"},
        ]
    )


@FEW
@given(st.lists(st.text(min_size=1, max_size=6), min_size=2, max_size=5, unique=True))
@example(["Cafe\u0301", "Tea"])
@example(["\u212b", "A"])  # ANGSTROM SIGN, which NFC turns into Å
def test_every_offered_pick_is_kept_as_a_draft_exactly_as_the_answer_takes_it(labels):
    # given questions whose options are these labels, as written
    try:
        questions = choice_questions(labels)
    except ValueError:
        return  # not a usable option list (blank, repeated, control characters)
    payload = {"opts": labels}
    for question in questions:
        for label in labels:
            value = label if question.kind == "label" else [label]
            # when the pick is both submitted and kept as a draft
            answer = question.normalize(value, payload)
            draft = question.draft_value(value, payload)
            # then the draft holds the same pick, and submitting the draft gives the same answer
            assert question.normalize(draft, payload) == answer


async def test_a_decomposed_option_can_be_drafted_and_submitted(bank):
    # given a batch whose options are written decomposed (NFD), fixed and per task
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text", "opts": "text list"},
        questions=[
            {"id": "fixed", "kind": "label", "prompt": "Pick", "options": [DECOMPOSED, "Tea"]},
            {"id": "many", "kind": "labels", "prompt": "Pick", "options": [DECOMPOSED, "Tea"]},
            {"id": "per", "kind": "label", "prompt": "Pick", "options_from": "opts"},
        ],
    )
    task = {"id": "t1", "payload": {"excerpt": "x", "opts": [DECOMPOSED, "Milk"]}}
    await bank.import_batch(jsonl(settings, [task]), filename="b.jsonl")
    assignment_id = (await bank.claim("w1")).assignment.id
    # when the writer picks the decomposed option on the card (each pick is a draft)
    answers = {"fixed": DECOMPOSED, "many": [DECOMPOSED], "per": DECOMPOSED}
    draft = await bank.save_draft(assignment_id, "w1", answers)
    # then the draft keeps it, and the draft submits as the same answer
    assert draft == answers
    result = await bank.submit(assignment_id, "w1", draft, "k1")
    assert result.submission.answers == answers


@pytest.mark.parametrize(
    "pair",
    [
        ["\u00c1", "A\u0301"],  # the same letter composed and decomposed
        ["\u00e1", "A\u0301"],  # the same, in another case
        ["\u212b", "\u00c5"],  # ANGSTROM SIGN and the letter NFC makes of it
        ["Tense", "tense"],  # case, as before
        ["yes", " yes "],  # spaces around it
        ["two words", "two  words"],  # spaces between its words
        ["yes", "ye\u200bs"],  # a zero-width space inside
        ["yes", "yes\u2800"],  # a blank glyph after it
    ],
)
@pytest.mark.parametrize("source", ["options", "options_from"])
def test_options_that_are_one_text_in_another_form_are_refused_naming_both(pair, source):
    # given a label question whose two options a writer could not tell apart
    question = {"id": "q", "kind": "label", "prompt": "Pick"}
    payload = {"excerpt": "x"}
    if source == "options":
        question["options"] = pair
    else:
        question["options_from"] = "opts"
        payload["opts"] = pair
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text", "opts": "text list"},
        questions=[question],
    )
    # when the batch is read
    with pytest.raises(ValidationFailed) as raised:
        parse_batch_file(jsonl(settings, [{"id": "t1", "payload": payload}]), "b.jsonl")
    # then it is refused at the option list, saying they read the same
    (problem,) = raised.value.problems
    assert problem.location == ("b.jsonl:1" if source == "options" else "b.jsonl:2")
    assert problem.field in ("batch.questions #1", "payload.opts")
    assert "read the same" in problem.message


@pytest.mark.parametrize(
    "pair",
    [
        [
            "\u0915\u092e",
            "\u0915\u093e\u092e",
        ],  # Hindi: a vowel sign (a combining mark) tells them apart
        ["yes", "yes!"],
        ["a b", "ab"],
    ],
)
def test_options_a_reader_tells_apart_are_accepted(pair):
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text"},
        questions=[{"id": "q", "kind": "label", "prompt": "Pick", "options": pair}],
    )
    parsed = parse_batch_file(
        jsonl(settings, [{"id": "t1", "payload": {"excerpt": "x"}}]), "b.jsonl"
    )
    assert parsed.settings.resolved_template().questions[0].options == pair
