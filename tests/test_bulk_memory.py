"""Big batch files are read a piece at a time and their memory kept from the event loop's way:
the pieces give exactly the lines of the whole text, full collections wait while an import runs,
and big lists are emptied in slices."""

from __future__ import annotations

import codecs
import gc
import io

import pytest

from taskbank.batchtext import PIECE_BYTES, csv_lines, decoded_pieces, json_lines
from taskbank.bulkmemory import (
    freeze_start_up_heap,
    full_collections_postponed,
    release,
    thaw_start_up_heap,
)
from taskbank.errors import ValidationFailed


def _text_of_many_pieces() -> str:
    """Over three pieces of lines ending in \\n, \\r\\n and \\r, with U+2028 inside lines."""
    lines, size, number = [], 0, 0
    while size < 3 * PIECE_BYTES + 1000:
        ending = ("\n", "\r\n", "\r")[number % 3]
        line = f'{{"id": "t{number}", "text": "a\u2028b é"}}{ending}'
        lines.append(line)
        size += len(line.encode())
        number += 1
    return "".join(lines) + "last line without an end"


def test_pieces_give_the_lines_of_the_whole_text():
    text = _text_of_many_pieces()
    pieces = decoded_pieces(codecs.BOM_UTF8 + text.encode(), "big.jsonl")
    assert len(pieces) > 3 and "".join(pieces) == text
    assert list(json_lines(pieces)) == [line.removesuffix("\r") for line in text.split("\n")]
    assert list(csv_lines(pieces)) == list(io.StringIO(text, newline=""))


def test_a_text_ending_in_a_newline_ends_in_an_empty_line():
    assert list(json_lines(decoded_pieces(b"a\r\nb\n", "x.jsonl"))) == ["a", "b", ""]
    assert list(json_lines(decoded_pieces(b"", "x.jsonl"))) == [""]


def test_a_byte_that_is_not_utf8_far_into_the_file_is_located():
    data = b"line\n" * (PIECE_BYTES // 2) + b"ok \xff here\n"
    with pytest.raises(ValidationFailed) as refused:
        decoded_pieces(codecs.BOM_UTF8 + data, "big.jsonl")
    (problem,) = refused.value.problems
    assert problem.location == f"big.jsonl:{PIECE_BYTES // 2 + 1}"
    assert problem.message.startswith("byte 0xff at column 4 ")


def test_full_collections_wait_while_any_import_runs_and_resume_after():
    before = gc.get_threshold()
    with full_collections_postponed():
        with full_collections_postponed():
            assert gc.get_threshold()[2] > 1_000_000
        assert gc.get_threshold()[2] > 1_000_000  # the outer import still runs
    assert gc.get_threshold() == before


def test_release_empties_a_list_of_any_length():
    items = [{"n": n} for n in range(12_345)]
    release(items)
    assert items == []


class _Survivor:
    """An object alive at start-up (instances are tracked by the collector)."""


def test_the_start_up_heap_is_frozen_out_of_collections_until_thawed():
    alive = _Survivor()
    try:
        assert freeze_start_up_heap(["json"]) > 0
        assert not any(thing is alive for thing in gc.get_objects())  # no collection walks it
    finally:
        thaw_start_up_heap()
    assert gc.get_freeze_count() == 0
    assert any(thing is alive for thing in gc.get_objects())
