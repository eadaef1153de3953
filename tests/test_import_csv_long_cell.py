"""A CSV cell longer than the csv reader takes (131,072 characters) is refused at its line in
words, not the csv module's own ('field larger than field limit (131072)'); a quote left open,
which swallows the rest of the file into one cell, is still explained as the open quote."""

from __future__ import annotations

import csv

import pytest

from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header


def refusal(data: bytes) -> tuple[str, str, str]:
    with pytest.raises(ValidationFailed) as refused:
        parse_batch_file(data, "t.csv", settings=header())
    (problem,) = refused.value.problems
    return problem.location, problem.field, problem.message


def test_a_cell_over_the_readers_limit_is_refused_at_its_line():
    long = "x" * (csv.field_size_limit() + 10)
    data = f"id,excerpt\na,Hi.\nb,{long}\n".encode()
    location, field, message = refusal(data)
    assert (location, field) == ("t.csv:3", "csv")
    assert message == "a cell is over 131,072 characters, the most a cell may hold"


def test_an_open_quote_swallowing_the_file_is_still_told_as_the_quote():
    rest = "\n".join(f"r{n},line {n}" for n in range(20_000))
    data = f'id,excerpt\na,"Hi.\n{rest}\n'.encode()
    location, _, message = refusal(data)
    assert location == "t.csv:2" and "never closed" in message, message
