"""Fuzzing findings on question definitions: a count, scale end, length bound, distance or
`required` flag of the wrong JSON type is refused naming the field, as the batch's own numbers
are, never read as a number or a flag it only resembles."""

from __future__ import annotations

from typing import Any

import pytest

from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl

BASE: dict[str, dict[str, Any]] = {
    "labels": {"kind": "labels", "options": ["a", "b", "c"]},
    "rating": {"kind": "rating"},
    "text": {"kind": "text"},
    "rewrite": {"kind": "rewrite", "original_from": "excerpt"},
}
WRONG_TYPES = [
    ("labels", "min_count", "2"),
    ("labels", "min_count", 2.0),
    ("labels", "max_count", "2"),
    ("rating", "scale_min", "1"),
    ("rating", "scale_max", 5.0),
    ("text", "max_chars", "100"),
    ("text", "min_chars", 3.0),
    ("text", "min_words", "2"),
    ("text", "max_words", 9.0),
    ("rewrite", "min_distance", "0.5"),
    ("rewrite", "min_distance", True),
    ("text", "required", "yes"),
    ("text", "required", 0),
    ("label", "required", "false"),
]


def batch_with(kind: str, field: str, value: Any) -> bytes:
    question = {
        "id": "q",
        "prompt": "Answer",
        **BASE.get(kind, {"kind": kind, "options": ["a", "b"]}),
    }
    question[field] = value
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=[question])
    return jsonl(settings, [{"id": "t1", "payload": {"excerpt": "The line to rewrite."}}])


@pytest.mark.parametrize(("kind", "field", "value"), WRONG_TYPES)
def test_a_definition_value_of_the_wrong_json_type_is_refused_naming_its_field(kind, field, value):
    # given a question whose field holds a string, a float or a boolean for a number or a flag
    data = batch_with(kind, field, value)
    # when the batch is read
    with pytest.raises(ValidationFailed) as raised:
        parse_batch_file(data, "b.jsonl")
    # then it is refused on the header line at that field, saying what was expected
    (problem,) = raised.value.problems
    assert problem.location == "b.jsonl:1"
    assert problem.field.startswith(f"batch.questions #1.{field}")
    assert "expected" in problem.message


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("labels", "min_count", 2),
        ("rating", "scale_max", 7),
        ("text", "max_chars", 100),
        ("rewrite", "min_distance", 1),
        ("rewrite", "min_distance", 0.5),
        ("text", "required", False),
    ],
)
def test_the_same_fields_of_the_right_type_are_accepted(kind, field, value):
    parsed = parse_batch_file(batch_with(kind, field, value), "b.jsonl")
    assert getattr(parsed.settings.questions[0], field) == value
