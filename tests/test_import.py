"""Batch import is all-or-nothing, and every bad line is named with its field."""

from __future__ import annotations

import json

import pytest

from taskbank.batchfile import BatchSettings, parse_batch_file
from taskbank.errors import ValidationFailed
from taskbank.service import Defaults, TaskBank
from tests.batches import header, jsonl, tone_batch, tone_task


async def test_a_good_jsonl_batch_imports_every_task(bank):
    batch = await bank.import_batch(tone_batch(5, overlap=3), filename="tone.jsonl")
    progress = await bank.batch_progress(batch.id)
    assert (batch.template, batch.overlap, batch.pay_cents, progress.tasks) == (
        "dialogue_tone",
        3,
        40,
        5,
    )


async def test_bad_lines_are_all_listed_with_line_and_field_and_nothing_is_imported(bank):
    data = jsonl(
        header(),
        [
            tone_task(1),
            "{not json",
            {"id": "t-0003", "payload": {}},
            tone_task(1),
            {"id": "t-0005", "payload": {"excerpt": "x"}, "gold": {"tone": "sad"}},
            {"id": "t-0006", "payload": {"excerpt": "x"}, "extra": 1},
        ],
    )
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="tone.jsonl")
    found = {(p.location, p.field) for p in raised.value.problems}
    assert found == {
        ("tone.jsonl:3", "json"),
        ("tone.jsonl:4", "payload.excerpt"),
        ("tone.jsonl:5", "id"),
        ("tone.jsonl:6", "gold.tone"),
        ("tone.jsonl:7", "extra"),
    }
    assert "first at tone.jsonl:2" in str(raised.value)
    assert "nothing was imported" in str(raised.value)
    assert await bank.list_batches() == []


async def test_an_unknown_template_is_refused_on_the_header_line(bank):
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(tone_batch(1, template="poetry"), filename="b.jsonl")
    problem = raised.value.problems[0]
    assert problem.location == "b.jsonl:1"
    assert "unknown template 'poetry'" in problem.message and "dialogue_tone" in problem.message


async def test_pay_in_dollars_is_refused_because_money_is_cents(bank):
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(tone_batch(1, pay_cents=0.4), filename="b.jsonl")
    assert raised.value.problems[0].field == "batch.pay_cents"
    assert "cents" in raised.value.problems[0].message


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        (b"", "file", "empty"),
        (b"  \n\n", "file", "empty"),
        (b'{"id": 1}\n', "header", '{"batch"'),
        (json.dumps({"batch": header()}).encode() + b"\n", "tasks", "no tasks"),
    ],
)
async def test_empty_and_headless_files_are_refused(bank, data, field, expected):
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="b.jsonl")
    assert raised.value.problems[0].field == field
    assert expected in raised.value.problems[0].message


async def test_a_wrong_encoding_names_the_line_and_column(bank):
    data = tone_batch(2).replace(b"Line 2", b"L\xe9ne 2")
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="latin1.jsonl")
    problem = raised.value.problems[0]
    assert problem.location == "latin1.jsonl:3"
    assert problem.field == "encoding" and "0xe9" in problem.message


async def test_an_oversized_file_is_refused_before_it_is_read(store, clock, tmp_path):
    small_bank = TaskBank(store, clock=clock, defaults=Defaults(max_import_bytes=1000))
    path = tmp_path / "big.jsonl"
    path.write_bytes(tone_batch(100))
    with pytest.raises(ValidationFailed, match="at most 1,000 are accepted"):
        await small_bank.import_batch(path)
    assert await small_bank.list_batches() == []


async def test_an_unknown_file_type_is_refused(bank):
    with pytest.raises(ValidationFailed, match=r"unknown file type '\.txt'"):
        await bank.import_batch(b"x", filename="tasks.txt")


async def test_gold_answers_must_fit_the_questions(bank):
    data = jsonl(header(), [tone_task(1, gold={"tone": "warm", "pacing": 9})])
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="gold.jsonl")
    assert [p.field for p in raised.value.problems] == ["gold.pacing"]


async def test_a_batch_name_is_unique_within_its_project(bank):
    await bank.import_batch(tone_batch(1), filename="a.jsonl")
    with pytest.raises(ValidationFailed, match="already exists"):
        await bank.import_batch(tone_batch(1), filename="b.jsonl")
    assert len(await bank.list_batches()) == 1


async def test_a_custom_batch_defines_its_own_questions(bank):
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text"},
        questions=[
            {
                "id": "funny",
                "kind": "rating",
                "prompt": "How funny",
                "min_label": "not",
                "max_label": "very",
            },
            {"id": "who", "kind": "label", "prompt": "Who wins", "options_from": "sides"},
        ],
    )
    task = {"id": "c1", "payload": {"excerpt": "x", "sides": ["cat", "dog"]}}
    batch = await bank.import_batch(jsonl(settings, [task]), filename="custom.jsonl")
    assert [q.kind for q in batch.questions] == ["rating", "label"]
    bad = {"id": "c2", "payload": {"excerpt": "x", "sides": ["cat"]}}
    with pytest.raises(ValidationFailed, match="at least 2 options"):
        await bank.import_batch(
            jsonl({**settings, "name": "other"}, [bad]), filename="custom.jsonl"
        )


async def test_a_custom_batch_without_questions_is_refused(bank):
    with pytest.raises(ValidationFailed, match="needs 'questions'"):
        await bank.import_batch(tone_batch(1, template="custom"), filename="c.jsonl")


CSV_SETTINGS = {
    "project": "Test project",
    "name": "endings-csv",
    "template": "rank_endings",
    "pay_cents": 60,
}


async def test_a_csv_batch_imports_with_settings_passed_beside_it(bank):
    data = (
        b"id,excerpt,endings,gold.ranking\n"
        b'e1,"A magician, one last show.","He wins | He loses | He wakes","He wins | He loses | He wakes"\n'
        b'e2,"Two food trucks.","[""Merge"", ""Feud""]",\n'
    )
    batch = await bank.import_batch(data, filename="endings.csv", settings=CSV_SETTINGS)
    claimed = await bank.claim("w1", batch_id=batch.id)
    assert claimed.task.payload["endings"] == ["He wins", "He loses", "He wakes"]
    assert claimed.task.gold == {"ranking": ["He wins", "He loses", "He wakes"]}


async def test_csv_errors_carry_line_numbers_across_quoted_newlines(bank):
    data = b'id,excerpt,endings\ne1,"two\nlines","A | B"\ne2,,A | B\ne3,x\n'
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="e.csv", settings=CSV_SETTINGS)
    assert {(p.location, p.field) for p in raised.value.problems} == {
        ("e.csv:4", "payload.excerpt"),
        ("e.csv:5", "row"),
    }


async def test_a_csv_without_settings_or_id_column_is_refused(bank):
    with pytest.raises(ValidationFailed, match="needs batch settings"):
        await bank.import_batch(b"id,excerpt\n1,x\n", filename="e.csv")
    with pytest.raises(ValidationFailed, match="'id' column"):
        parse_batch_file(
            b"excerpt\nx\n", "e.csv", settings=BatchSettings.model_validate(CSV_SETTINGS)
        )


async def test_the_sample_bank_covers_every_template_and_imports_cleanly(bank):
    from taskbank.sample_bank import import_sample_bank
    from taskbank.templates import BUILTIN_TEMPLATES

    imported = await import_sample_bank(bank)
    assert {b.template for b in imported} == set(BUILTIN_TEMPLATES)
    assert await import_sample_bank(bank) == []


async def test_tasks_too_big_for_a_chat_card_are_refused_with_their_line(bank):
    """Every imported task must fit any chat: bounded text, options and questions."""
    long_excerpt = "word " * 4_001  # 20,005 characters
    many_sides = [f"side {i}" for i in range(26)]
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text"},
        questions=[{"id": "who", "kind": "label", "prompt": "Who wins", "options_from": "sides"}],
    )
    data = jsonl(
        settings,
        [
            {"id": "ok", "payload": {"excerpt": "x" * 19_000, "sides": ["a", "b"]}},
            {"id": "long", "payload": {"excerpt": long_excerpt, "sides": ["a", "b"]}},
            {"id": "wide", "payload": {"excerpt": "x", "sides": many_sides}},
        ],
    )
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="big.jsonl")
    found = {(p.location, p.field): p.message for p in raised.value.problems}
    assert set(found) == {("big.jsonl:3", "payload"), ("big.jsonl:4", "payload.sides")}
    assert "at most 20,000 fit" in found[("big.jsonl:3", "payload")]
    assert "at most 25 options" in found[("big.jsonl:4", "payload.sides")]
    assert await bank.list_batches() == []


async def test_a_custom_batch_with_more_questions_than_a_card_holds_is_refused(bank):
    questions = [{"id": f"q{i}", "kind": "rating", "prompt": f"Rate {i}"} for i in range(11)]
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=questions)
    with pytest.raises(ValidationFailed, match="at most 10 questions"):
        await bank.import_batch(jsonl(settings, [tone_task(1)]), filename="q.jsonl")
