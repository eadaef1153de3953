"""How a refused import reads: every problem at once, in line order, in a coordinator's words —
through the real `taskbot batch import` and its exit code, and the bank on both stores."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.errors import ValidationFailed
from taskbank.service import TaskBank
from tests.batches import header, jsonl, tone_batch, tone_task

RAW_PYDANTIC = ("Extra inputs are not permitted", "String should match pattern", "Input should")


async def problems_of(bank: TaskBank, data: bytes, filename: str = "b.jsonl", **kw) -> list[str]:
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename=filename, **kw)
    assert await bank.list_batches() == []
    return [str(p) for p in raised.value.problems]


def line_of(problem: str) -> int:
    return int(problem.split(":", 2)[1])


async def test_problems_are_listed_in_line_order(bank):
    data = jsonl(header(), [{"id": "a", "payload": {}}, "not json", {"id": "c", "payload": {}}])
    problems = await problems_of(bank, data)
    assert [line_of(p) for p in problems] == sorted(line_of(p) for p in problems)
    assert {line_of(p) for p in problems} == {2, 3, 4}


async def test_a_bad_header_does_not_hide_the_task_lines_problems(bank):
    data = jsonl(header(pay_cents=0.5), [tone_task(1), "not json", ["a list"]])
    problems = await problems_of(bank, data)
    assert problems[0].startswith("b.jsonl:1: batch.pay_cents: expected a whole number")
    assert any(p.startswith("b.jsonl:3: json: not valid JSON") for p in problems)
    assert any(p.startswith("b.jsonl:4: task: expected an object") for p in problems)


async def test_a_header_that_is_not_json_does_not_hide_the_task_lines_problems(bank):
    data = b'{"batch": \n' + json.dumps({"id": "x"}).encode() + b"\n"
    problems = await problems_of(bank, data)
    assert problems[0].startswith("b.jsonl:1: header: not valid JSON")
    assert any(p.startswith("b.jsonl:2: payload: expected an object") for p in problems)


async def test_bad_csv_settings_do_not_hide_the_rows_problems(bank):
    data = b"id,excerpt\na,Hello\nb,Hi,extra\n"
    problems = await problems_of(bank, data, "t.csv", settings={**header(), "colour": "blue"})
    assert any("batch.colour: unknown setting `colour`" in p for p in problems)
    assert any(p.startswith("t.csv:3: row: has 3 cells; the header has 2") for p in problems)


async def test_every_custom_question_problem_comes_in_one_round(bank):
    questions = [
        {"id": "tone", "kind": "label", "prompt": "Tone?", "options": ["a", "b"], "colour": 1},
        {"id": "why", "kind": "text", "prompt": "Why?", "required_if_answered": "nope"},
        {"id": "pace", "kind": "ratng", "prompt": "Pace?"},
    ]
    settings = header(template="custom", questions=questions)
    problems = await problems_of(bank, jsonl(settings, [tone_task(1)]))
    text = "\n".join(problems)
    assert "batch.questions #1.colour: unknown setting `colour`" in text
    assert "batch.questions #3: unknown kind 'ratng' — did you mean 'rating'?" in text
    assert "question 'why' depends on unknown question 'nope'" in text


async def test_an_unknown_payload_field_is_named_with_what_was_meant(bank):
    data = jsonl(header(), [{"id": "a", "payload": {"exerpt": "A: Hi.\nB: Ho."}}])
    problems = await problems_of(bank, data)
    assert problems == [
        "b.jsonl:2: payload.exerpt: unknown field `exerpt` — did you mean `excerpt`?"
    ]


async def test_extra_material_fields_are_still_welcome(bank):
    data = jsonl(header(), [{"id": "a", "payload": {"excerpt": "A: Hi.", "context": "A bar."}}])
    batch = await bank.import_batch(data, filename="b.jsonl")
    assert (await bank.batch_progress(batch.id)).tasks == 1


async def test_messages_carry_no_raw_validation_text_or_zero_based_positions(bank):
    questions = [{"id": "Tone Label", "kind": "label", "prompt": "Tone?", "options": ["a"], "x": 1}]
    settings = header(template="custom", questions=questions, currency="usd")
    problems = await problems_of(bank, jsonl(settings, [tone_task(1)]))
    text = "\n".join(problems)
    assert not any(raw in text for raw in RAW_PYDANTIC)
    assert ".0." not in text and "questions #1.id: expected a short id" in text
    assert ".label." not in text  # pydantic's internal kind tag is not a field


def test_a_duplicate_batch_name_names_the_file_and_line(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "t.db"}"\n')
    path = tmp_path / "tone.jsonl"
    path.write_bytes(b"\n" + tone_batch(2))
    runner = CliRunner()
    assert runner.invoke(app, ["batch", "import", str(path), "-c", str(config)]).exit_code == 0
    again = runner.invoke(app, ["batch", "import", str(path), "-c", str(config)])
    assert again.exit_code == 2
    assert "tone.jsonl:2: batch.name: a batch named 'tone-1' already exists" in again.stderr


def test_the_command_lists_every_problem_and_exits_2(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "t.db"}"\n')
    path = tmp_path / "bad.jsonl"
    path.write_bytes(jsonl(header(colour=1), [{"id": "a", "payload": {"exerpt": "x"}}, "{"]))
    result = CliRunner().invoke(app, ["batch", "import", str(path), "-c", str(config)])
    assert result.exit_code == 2
    assert "bad.jsonl:1: batch.colour: unknown setting `colour`" in result.stderr
    assert "bad.jsonl:3: json: not valid JSON" in result.stderr


async def test_a_file_of_countless_bad_lines_lists_the_first_hundred_and_counts_the_rest(bank):
    # 20,000 bad lines: the refusal lists the first 100 problems in line order, then says how
    # many more there are (a 49 MB file of them had held 4.28 million problems in memory).
    data = (json.dumps({"batch": header()}) + "\n" + '{"id": 1.5}\n' * 20_000).encode()
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="b.jsonl")
    problems = raised.value.problems
    assert len(problems) == 101
    assert [line_of(str(p)) for p in problems[:100]] == list(range(2, 102))
    assert problems[-1].message.startswith("and 19,900 more problem(s) not listed")
    assert str(raised.value).startswith("b.jsonl: 20,000 problems (the first 100 listed)")
    assert await bank.list_batches() == []
