"""Fuzzing finding on question prompts: a prompt that shows nothing (spaces, zero-width or blank
characters only) is refused at import naming the question, as blank options and names are."""

from __future__ import annotations

import pytest

from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl


def batch_asking(prompt: str) -> bytes:
    question = {"id": "q", "kind": "label", "prompt": prompt, "options": ["a", "b"]}
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=[question])
    return jsonl(settings, [{"id": "t1", "payload": {"excerpt": "x"}}])


@pytest.mark.parametrize("prompt", [" ", "   \n\t", "\u200b", "\u2800\u3164", "\u00a0", "\u0301"])
def test_a_prompt_that_shows_nothing_is_refused_naming_the_question(prompt):
    with pytest.raises(ValidationFailed) as raised:
        parse_batch_file(batch_asking(prompt), "b.jsonl")
    (problem,) = raised.value.problems
    assert problem.location == "b.jsonl:1"
    assert problem.field.startswith("batch.questions #1")
    assert "shows nothing" in problem.message


@pytest.mark.parametrize("prompt", ["Tone?", "?", "Rate\nthis", " Which one "])
def test_a_prompt_with_something_to_read_is_accepted(prompt):
    parsed = parse_batch_file(batch_asking(prompt), "b.jsonl")
    assert parsed.settings.questions[0].prompt == prompt
