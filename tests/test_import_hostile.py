"""Hostile and odd batch files: each class of bad input is refused with its line and field, and
nothing is stored; valid but unusual files are accepted."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.batchfile import load_settings_file
from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl, tone_batch, tone_task

HEADER = json.dumps({"batch": header()})


def lines(*tasks: str) -> bytes:
    """A tone batch whose task lines are written exactly as given."""
    return ("\n".join([HEADER, *tasks]) + "\n").encode()


async def refused(bank, data: bytes, filename: str = "b.jsonl", **options) -> ValidationFailed:
    """Import a file that must be refused; return the refusal after checking nothing was stored."""
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename=filename, **options)
    assert await bank.list_batches() == []
    for problem in raised.value.problems:
        assert problem.location and problem.field and problem.message
    return raised.value


def where(failure: ValidationFailed) -> set[tuple[str, str]]:
    return {(p.location, p.field) for p in failure.problems}


async def test_json_nested_ten_thousand_deep_is_refused_on_its_line(bank):
    # given a task line and, separately, a header nested 10,000 deep
    deep = "[" * 10_000 + "]" * 10_000
    # when each is imported
    task_failure = await refused(bank, lines(json.dumps(tone_task(1)), deep))
    header_failure = await refused(bank, f'{{"batch": {deep}}}\n'.encode())
    # then each is refused on its own line, saying why
    assert where(task_failure) == {("b.jsonl:3", "json")}
    assert "nested too deeply" in task_failure.problems[0].message
    assert where(header_failure) == {("b.jsonl:1", "header")}


async def test_an_integer_literal_past_pythons_digit_limit_is_refused(bank):
    task = '{"id": "a", "payload": {"excerpt": "x", "n": ' + "7" * 5000 + "}}"
    failure = await refused(bank, lines(task))
    assert where(failure) == {("b.jsonl:2", "json")}
    assert "too many digits" in failure.problems[0].message


async def test_huge_numbers_are_refused_naming_the_field(bank):
    # given a whole number past 2**53, a float that reads as infinity, and a huge priority
    failure = await refused(
        bank,
        lines(
            '{"id": "a", "payload": {"excerpt": "x", "n": 123456789012345678901234567890}}',
            '{"id": "b", "payload": {"excerpt": "x", "f": [1e400]}}',
        ),
    )
    assert where(failure) == {("b.jsonl:2", "payload.n"), ("b.jsonl:3", "payload.f #1")}
    huge_priority = await refused(bank, tone_batch(1, priority=10**20))
    assert where(huge_priority) == {("b.jsonl:1", "batch.priority")}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_refused_as_non_standard_json(bank, constant):
    failure = await refused(
        bank, lines(f'{{"id": "a", "payload": {{"excerpt": "x", "n": {constant}}}}}')
    )
    assert where(failure) == {("b.jsonl:2", "json")}
    assert f"{constant.lstrip('-')} is not standard JSON" in failure.problems[0].message


async def test_lone_surrogates_are_refused_with_their_field(bank):
    # given escapes that decode to lone surrogates in a payload, an id, a gold answer, a setting
    failure = await refused(
        bank,
        lines(
            '{"id": "a", "payload": {"excerpt": "broken \\ud800 text"}}',
            '{"id": "b\\udfff", "payload": {"excerpt": "x"}}',
            '{"id": "c", "payload": {"excerpt": "x"}, "gold": {"tone": "\\udc80"}}',
        ),
    )
    assert where(failure) == {
        ("b.jsonl:2", "payload.excerpt"),
        ("b.jsonl:3", "id"),
        ("b.jsonl:4", "gold.tone"),
    }
    assert "lone surrogate U+D800" in failure.problems[0].message
    in_settings = await refused(bank, tone_batch(1, name="tone \ud83d"))
    assert where(in_settings) == {("b.jsonl:1", "batch.name")}


async def test_control_characters_are_refused_but_tabs_and_line_breaks_in_text_are_kept(bank):
    # given NUL, ESC and BEL in an id, payload text, gold and settings
    failure = await refused(
        bank,
        lines(
            json.dumps({"id": "a\x00", "payload": {"excerpt": "x"}}),
            json.dumps({"id": "b", "payload": {"excerpt": "red \x1b[31m text"}}),
            json.dumps({"id": "c", "payload": {"excerpt": "x"}, "gold": {"tone": "tense\x07"}}),
            json.dumps({"id": "d\n2", "payload": {"excerpt": "x"}}),
        ),
    )
    assert where(failure) == {
        ("b.jsonl:2", "id"),
        ("b.jsonl:3", "payload.excerpt"),
        ("b.jsonl:4", "gold.tone"),
        ("b.jsonl:5", "id"),
    }
    assert "U+001B" in failure.problems[1].message
    in_settings = await refused(bank, tone_batch(1, project={"name": "P", "terms": "ok\x00"}))
    assert where(in_settings) == {("b.jsonl:1", "batch.project.terms")}
    # when the only "control characters" are tabs and line breaks in payload text
    text = "A:\tHello.\r\nB:\tHi.\nC: \x85"
    batch = await bank.import_batch(
        jsonl(header(), [{"id": "t", "payload": {"excerpt": text}}]), filename="ok.jsonl"
    )
    # then they import as written
    claimed = await bank.claim("w1", batch_id=batch.id)
    assert claimed.task.payload["excerpt"] == text


async def test_booleans_where_numbers_belong_are_refused(bank):
    failure = await refused(bank, tone_batch(1, review_rate=True, pay_cents=True))
    assert where(failure) == {("b.jsonl:1", "batch.review_rate"), ("b.jsonl:1", "batch.pay_cents")}
    bool_id = await refused(bank, lines('{"id": true, "payload": {"excerpt": "x"}}'))
    assert where(bool_id) == {("b.jsonl:2", "id")}


@pytest.mark.parametrize("payload", ["[]", '"text"', "7", "null", "true", '[{"excerpt": "x"}]'])
async def test_a_payload_that_is_not_an_object_is_refused(bank, payload):
    failure = await refused(bank, lines(f'{{"id": "a", "payload": {payload}}}'))
    assert where(failure) == {("b.jsonl:2", "payload")}


async def test_payload_values_of_odd_types_are_checked_at_any_depth(bank):
    # given text nested in objects and lists past the limit, deep nesting, and many values
    nested_text = {"excerpt": "x", "notes": {"a": ["y" * 15_000, {"b": "z" * 6_000}]}}
    deep: object = "bottom"
    for _ in range(12):
        deep = {"down": deep}
    many = {"excerpt": "x", "numbers": list(range(1_500))}
    failure = await refused(
        bank,
        jsonl(
            header(),
            [
                {"id": "a", "payload": nested_text},
                {"id": "b", "payload": {"excerpt": "x", "deep": deep}},
                {"id": "c", "payload": many},
            ],
        ),
    )
    found = {(p.location, p.field): p.message for p in failure.problems}
    assert set(found) == {
        ("b.jsonl:2", "payload"),
        ("b.jsonl:3", "payload"),
        ("b.jsonl:4", "payload"),
    }
    assert (
        "21,00" in found[("b.jsonl:2", "payload")]
        and "at most 20,000" in found[("b.jsonl:2", "payload")]
    )
    assert "levels deep" in found[("b.jsonl:3", "payload")]
    assert "values in all" in found[("b.jsonl:4", "payload")]


async def test_odd_but_storable_payload_values_import(bank):
    payload = {
        "excerpt": "x",
        "n": 3,
        "ratio": 0.5,
        "flag": False,
        "none": None,
        "meta": {"k": [1, "v"]},
    }
    batch = await bank.import_batch(
        jsonl(header(), [{"id": "a", "payload": payload}]), filename="o.jsonl"
    )
    claimed = await bank.claim("w1", batch_id=batch.id)
    assert claimed.task.payload == payload


async def test_a_gold_rating_the_normaliser_cannot_read_is_refused(bank):
    failure = await refused(bank, lines(json.dumps(tone_task(1, gold={"pacing": "²"}))))
    assert {p.location for p in failure.problems} == {"b.jsonl:2"}
    assert all(p.field.startswith("gold") for p in failure.problems)


async def test_a_deadline_already_past_is_refused_with_the_current_time(bank, clock):
    past = (clock.now() - timedelta(minutes=1)).isoformat()
    failure = await refused(bank, tone_batch(2, deadline=past))
    assert where(failure) == {("b.jsonl:1", "batch.deadline")}
    assert "already passed" in str(failure) and clock.now().isoformat() in str(failure)
    csv_failure = await refused(
        bank, b"id,excerpt\na,x\n", filename="t.csv", settings=header(deadline=past)
    )
    assert where(csv_failure) == {("t.csv", "batch.deadline")}


async def test_a_deadline_out_of_range_in_utc_is_refused(bank):
    failure = await refused(bank, tone_batch(1, deadline="9999-12-31T23:59:59-14:00"))
    assert where(failure) == {("b.jsonl:1", "batch.deadline")}


async def test_line_separators_inside_json_strings_keep_tasks_whole_and_line_numbers_right(bank):
    # given JSON Lines whose strings hold U+2028, U+2029 and U+0085 (legal in JSON strings)
    # and, after them, a bad line
    odd = "MARA: You kept\u2028the key.\u2029JONAH: I kept\x85the door."
    task = json.dumps({"id": "odd", "payload": {"excerpt": odd}}, ensure_ascii=False)
    good = jsonl(header(), [])[:-1] + b"\n" + task.encode() + b"\n"
    bad = good + b'{"id": "x", "payload": {}}\n'
    # when the bad one is imported, the error names line 3 (not a line counted past U+2028)
    failure = await refused(bank, bad)
    assert where(failure) == {("b.jsonl:3", "payload.excerpt")}
    # and the good one imports with its text whole
    batch = await bank.import_batch(good, filename="b.jsonl")
    claimed = await bank.claim("w1", batch_id=batch.id)
    assert claimed.task.payload["excerpt"] == odd


async def test_a_form_feed_between_tasks_does_not_shift_line_numbers(bank):
    data = lines(json.dumps(tone_task(1)) + "\x0c", '{"id": "b", "payload": {}}')
    failure = await refused(bank, data)
    assert where(failure) == {("b.jsonl:2", "json"), ("b.jsonl:3", "payload.excerpt")}


async def test_a_csv_and_a_jsonl_with_line_separators_in_strings_import(bank):
    text = "One line\u2028and another\u2029and a third\x85end"
    csv_data = f'id,excerpt\na,"{text}"\nb,{text}\n'.encode()
    batch = await bank.import_batch(csv_data, filename="t.csv", settings=header(name="csv"))
    assert (await bank.batch_progress(batch.id)).tasks == 2
    task = json.dumps({"id": "a", "payload": {"excerpt": text}}, ensure_ascii=False)
    jsonl_data = (json.dumps({"batch": header(name="jsonl")}) + "\n" + task + "\n").encode()
    other = await bank.import_batch(jsonl_data, filename="t.jsonl")
    claimed = await bank.claim("w1", batch_id=other.id)
    assert claimed.task.payload["excerpt"] == text


CSV_SETTINGS = header(name="csv")


@pytest.mark.parametrize(
    ("data", "opened"),
    [
        # a quote opened and never closed: it would swallow the rest of the file
        (b'id,excerpt\na,"He said no\nb,fine\nc,"all good"\n', 2),
        (b'id,excerpt\na,x\nb,"never closed\nc,y\n', 3),
        # a closing quote followed by text
        (b'id,excerpt\na,"quoted" then more\n', 2),
        # a quote opened, closed far below: one task holding three rows
        (b'id,excerpt\nt-01,"first excerpt\nt-02,second excerpt\nt-03,third excerpt"\n', 2),
    ],
)
async def test_a_csv_with_an_unbalanced_quote_is_refused_where_the_quote_opened(bank, data, opened):
    failure = await refused(bank, data, filename="q.csv", settings=CSV_SETTINGS)
    assert (f"q.csv:{opened}", "csv") in where(failure)
    assert f"opened on line {opened}" in str(failure)


async def test_a_csv_cell_that_legitimately_spans_lines_still_imports(bank):
    data = b'id,excerpt\nt-01,"MARA: Well, fine.\nJONAH: ""No,"" he said."\nt-02,short\n'
    batch = await bank.import_batch(data, filename="ok.csv", settings=CSV_SETTINGS)
    claimed = await bank.claim("w1", batch_id=batch.id)
    assert claimed.task.payload["excerpt"] == 'MARA: Well, fine.\nJONAH: "No," he said.'


async def test_a_csv_cell_with_a_hostile_json_list_is_refused_or_read_as_text(bank):
    settings = {"project": "P", "name": "e", "template": "rank_endings", "pay_cents": 5}
    data = b'id,excerpt,endings\na,x,"[""\\ud800"", ""b""]"\nb,x,' + b"[" * 5000 + b"\n"
    failure = await refused(bank, data, filename="e.csv", settings=settings)
    assert where(failure) == {("e.csv:2", "payload.endings #1"), ("e.csv:3", "payload.endings")}


@pytest.mark.parametrize(
    ("data", "location", "expected"),
    [
        (b'{"project": "P", "name": "\xe9"}', "s.json:1", "not UTF-8"),
        (b'{"project": ' * 5000 + b"1" + b"}" * 5000, "s.json", "nested too deeply"),
        (b'{"project": "P", "name": "n",\n "pay_cents": NaN}', "s.json", "NaN"),
        (b"[1, 2]", "s.json", "expected an object"),
        (json.dumps({"batch": {**CSV_SETTINGS, "name": "a\u0000"}}).encode(), "s.json", "U+0000"),
    ],
)
async def test_a_bad_settings_file_is_refused_naming_the_file(data, location, expected):
    with pytest.raises(ValidationFailed) as raised:
        load_settings_file(data, "s.json")
    problem = raised.value.problems[0]
    assert problem.location == location and problem.field
    assert expected in problem.message


def test_the_cli_refuses_a_deeply_nested_settings_file_with_exit_2(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    csv_path = tmp_path / "tone.csv"
    csv_path.write_text("id,excerpt\na,Hello there.\n")
    settings = tmp_path / "settings.json"
    settings.write_bytes(b"[" * 100_000)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["batch", "import", str(csv_path), "--settings", str(settings), "--config", str(config)],
    )
    assert result.exit_code == 2, result.output
    assert "settings.json" in result.stderr and "nested too deeply" in result.stderr
    listed = runner.invoke(app, ["batch", "list", "--config", str(config)])
    assert "tone-1" not in listed.output


async def test_a_multi_megabyte_import_keeps_the_event_loop_running(bank):
    # given a file of several megabytes (refused at its very end, so only parsing is measured)
    data = tone_batch(50_000) + b'{"id": "last", "payload": {}}\n'
    assert len(data) > 3_000_000
    ticks = 0
    importing = True

    async def ticker() -> None:
        nonlocal ticks
        while importing:
            ticks += 1
            await asyncio.sleep(0.001)

    # when it is imported while another coroutine ticks
    running = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    ticks = 0
    try:
        with pytest.raises(ValidationFailed):
            await bank.import_batch(data, filename="big.jsonl")
    finally:
        importing = False
        await running
    # then the loop kept turning during the parse
    assert ticks >= 5
    assert await bank.list_batches() == []


@pytest.mark.parametrize(
    "rows",
    [
        'opening,"MARA: You kept the key?\nWell, I kept the door."\nclosing,"JONAH: Fine."\n',
        '1,"COUNT: Three.\n2, maybe."\n3,"x"\n',
    ],
    ids=["word-ids", "number-ids"],
)
async def test_a_multi_line_cell_that_reads_like_prose_imports(bank, rows):
    from taskbank.batchfile import parse_batch_file

    settings = {"project": "P", "name": "c1", "template": "dialogue_tone", "pay_cents": 40}
    parsed = parse_batch_file(("id,excerpt\n" + rows).encode(), "f.csv", settings=settings)
    assert len(parsed.tasks) == 2 and "\n" in parsed.tasks[0].payload["excerpt"]


async def test_a_duplicate_batch_name_is_refused_at_its_header_line(bank):
    from taskbank.errors import ValidationFailed
    from tests.batches import tone_batch

    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    with pytest.raises(ValidationFailed) as refused:
        await bank.import_batch(b"\n" + tone_batch(1), filename="again.jsonl")
    assert [str(p) for p in refused.value.problems] == [
        "again.jsonl:2: batch.name: a batch named 'tone-1' already exists in this project"
    ]
