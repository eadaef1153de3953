"""A batch or settings file saved as UTF-16 or UTF-32 is refused saying so: with a byte-order
mark it was 'byte 0xff at column 1 is not UTF-8', and UTF-16 without one read as four lines of
'not valid JSON (Expecting value at column 1)'."""

from __future__ import annotations

import codecs

import pytest

from taskbank.batchfile import parse_batch_file, read_settings_object
from taskbank.errors import ValidationFailed
from tests.batches import header, tone_batch

TEXT = tone_batch(2).decode()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("utf-16-le"), "UTF-16"),
        (TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("utf-32"), "UTF-32"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "UTF-32"),
        (TEXT.encode("utf-32-le"), "UTF-32"),  # no byte-order mark: it read as valid UTF-8
        (TEXT.encode("utf-32-be"), "UTF-32"),
    ],
)
def test_a_wide_encoding_is_named_on_line_1(data, encoding):
    with pytest.raises(ValidationFailed) as refused:
        parse_batch_file(data, "tone.jsonl")
    (problem,) = refused.value.problems
    assert (problem.location, problem.field) == ("tone.jsonl:1", "encoding")
    assert problem.message == f"is {encoding} text, not UTF-8; save the file as UTF-8"


def test_a_csv_and_a_settings_file_in_utf16_are_named_too():
    with pytest.raises(ValidationFailed, match="is UTF-16 text"):
        parse_batch_file("id,excerpt\na,Hi.\n".encode("utf-16"), "t.csv", settings=header())
    with pytest.raises(ValidationFailed, match="is UTF-16 text"):
        read_settings_object('{"name": "x"}'.encode("utf-16-le"), "s.json")


def test_utf8_with_its_mark_still_imports():
    assert len(parse_batch_file(codecs.BOM_UTF8 + TEXT.encode(), "tone.jsonl").tasks) == 2


def test_a_utf32_csv_without_a_mark_is_named_not_read_as_a_header():
    # Every character followed by three NULs is valid UTF-8: it read as a header of one column
    # ("expected an 'id' column"), which said nothing of the encoding.
    with pytest.raises(ValidationFailed, match="is UTF-32 text, not UTF-8"):
        parse_batch_file("id,excerpt\na,Hi.\n".encode("utf-32-le"), "t.csv", settings=header())
