"""Odd batch files that had been read wrong or explained badly: a float too small to store, CSV
columns without a name, lines ended by a carriage return alone, a line separator in a name; and
invisible or reordering text, refused as in answers."""

from __future__ import annotations

import json

import pytest

from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl, tone_task

CSV_SETTINGS = {"project": "P", "name": "n", "template": "dialogue_tone", "pay_cents": 40}


async def refused(bank, data: bytes, filename: str, **options) -> list[str]:
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename=filename, **options)
    assert await bank.list_batches() == []
    return [str(problem) for problem in raised.value.problems]


async def test_a_number_too_small_to_store_is_refused_not_read_as_zero(bank):
    line = '{"id": "a", "payload": {"excerpt": "x", "weight": 1e-400}}'
    data = (json.dumps({"batch": header()}) + "\n" + line + "\n").encode()
    (problem,) = await refused(bank, data, "b.jsonl")
    assert problem.startswith("b.jsonl:2: json:") and "1e-400 is too small" in problem
    zero = (json.dumps({"batch": header()}) + "\n" + line.replace("1e-400", "0.0") + "\n").encode()
    assert (await bank.import_batch(zero, filename="z.jsonl")).name == "tone-1"


async def test_csv_columns_without_a_name_are_refused_naming_their_places(bank):
    data = b"id,,excerpt, \na,x,Hello,y\n"
    (problem,) = await refused(bank, data, "b.csv", settings=CSV_SETTINGS)
    assert problem == "b.csv:1: header: column(s) 2, 4 have no name; name every column"


@pytest.mark.parametrize("before", ["\n", "\r\n\r\n", "\ufeff\n", " , \n"])
async def test_blank_lines_before_a_csv_header_are_skipped_as_jsonl_skips_them(bank, before):
    # They were read as an empty header: "expected an 'id' column" at line 1, every row "has 2
    # cells; the header has 0".
    head = before.encode()
    lines = head.count(b"\n")
    data = head + b"id,excerpt\nt1,A: hi.\nt2\n"
    (problem,) = await refused(bank, data, "b.csv", settings=CSV_SETTINGS)
    assert problem.startswith(f"b.csv:{lines + 3}: row: has 1 cells"), problem  # its own line
    fixed = head + b"id,excerpt\nt1,A: hi.\n"
    assert (await bank.import_batch(fixed, filename="b.csv", settings=CSV_SETTINGS)).name == "n"


async def test_a_header_problem_after_blank_lines_names_the_header_s_line(bank):
    (problem,) = await refused(bank, b"\n\nkey,excerpt\nt1,x\n", "b.csv", settings=CSV_SETTINGS)
    assert problem.startswith("b.csv:3: header: expected an 'id' column"), problem


async def test_a_jsonl_file_with_carriage_returns_alone_says_how_to_save_it(bank):
    lines = [json.dumps({"batch": header()}), json.dumps(tone_task(1))]
    (problem,) = await refused(bank, ("\r".join(lines) + "\r").encode(), "b.jsonl")
    assert "ends lines with a carriage return alone: save it with LF or CRLF" in problem


async def test_a_line_separator_in_a_name_is_called_what_it_is(bank):
    (problem,) = await refused(bank, jsonl(header(name="one\u2028two"), [tone_task(1)]), "b.jsonl")
    assert "line separator U+2028" in problem and "control character" not in problem


@pytest.mark.parametrize(
    ("header_changes", "task_changes", "says"),
    [
        ({"name": "n\u202e1"}, {}, "direction control U+202E"),
        ({"name": "n\u20661"}, {}, "direction control U+2066"),
        ({}, {"id": "t\u202e1"}, "direction control U+202E"),
        ({}, {"id": "\u200b"}, "shows nothing"),
        ({"name": "   "}, {}, "shows nothing"),
        ({"project": "  "}, {}, "shows nothing"),
        ({}, {"payload": {"excerpt": "\u200b\u2800"}}, "expected non-empty text"),
        ({}, {"payload": {"excerpt": "A: \u202eevil"}}, "direction control U+202E"),
    ],
    ids=[
        "rlo-name",
        "isolate-name",
        "rlo-id",
        "invisible-id",
        "blank-name",
        "blank-project",
        "invisible-excerpt",
        "rlo-excerpt",
    ],
)
async def test_invisible_or_reordering_text_in_a_file_is_refused_as_in_answers(
    bank, header_changes, task_changes, says
):
    from taskbank.errors import ValidationFailed
    from tests.batches import header, jsonl, tone_task

    task = {**tone_task(1), **task_changes}
    with pytest.raises(ValidationFailed) as refused:
        await bank.import_batch(jsonl(header(**header_changes), [task]), filename="b.jsonl")
    assert any(says in str(p) and p.location for p in refused.value.problems), refused.value
    assert await bank.list_batches() == []


async def test_right_to_left_text_with_its_plain_marks_imports(bank):
    from tests.batches import header, jsonl

    task = {"id": "he-1", "payload": {"excerpt": "שלום\u200f, said MARA. مرحبا"}}
    batch = await bank.import_batch(jsonl(header(), [task]), filename="b.jsonl")
    assert batch.name == "tone-1"
