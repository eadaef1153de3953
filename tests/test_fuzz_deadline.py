"""Fuzzing finding on batch deadlines: a deadline is a date and time with its zone, as the README
says; a number (or a string of digits) is refused, not read as seconds since 1970."""

from __future__ import annotations

import pytest

from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl


@pytest.mark.parametrize("value", [1900000000, "1900000000", 1.9e9, "1900000000.5", True])
def test_a_deadline_given_as_a_number_is_refused_not_read_as_seconds_since_1970(value):
    # given a deadline written as a number, or as digits (pydantic reads both as Unix time)
    data = jsonl(header(deadline=value), [{"id": "t1", "payload": {"excerpt": "x"}}])
    # when the batch is read
    with pytest.raises(ValidationFailed) as raised:
        parse_batch_file(data, "b.jsonl")
    # then the deadline is refused, asking for a date and time with its zone
    (problem,) = raised.value.problems
    assert (problem.location, problem.field) == ("b.jsonl:1", "batch.deadline")
    assert "2026-12-01T17:00:00Z" in problem.message


@pytest.mark.parametrize("value", ["2030-01-01T00:00:00Z", "2030-01-01 09:30+02:00"])
def test_a_deadline_written_as_a_date_and_time_with_a_zone_is_accepted(value):
    data = jsonl(header(deadline=value), [{"id": "t1", "payload": {"excerpt": "x"}}])
    assert parse_batch_file(data, "b.jsonl").settings.deadline is not None
