"""Gold answers are stored as a writer's answers are normalised, so the two compare; a gold that
answers nothing is refused; a JSON object that repeats a key is refused, never read as its last
value."""

from __future__ import annotations

import json

import pytest

from taskbank.batchfile import load_settings_file
from taskbank.errors import ValidationFailed
from tests.batches import TONE_ANSWER, header, jsonl, tone_task
from tests.inspect_db import query

CSV_SETTINGS = {
    "project": "P",
    "name": "tone-1",
    "template": "dialogue_tone",
    "pay_cents": 40,
    "quality": {"gold_modes": {"pacing": "check"}},
}


async def answered_gold(bank, data: bytes, filename: str, **options) -> bool | None:
    """Import, claim the one task, answer it as TONE_ANSWER does; whether it matched the gold."""
    batch = await bank.import_batch(data, filename=filename, **options)
    claimed = await bank.claim("test:wendy", batch_id=batch.id)
    result = await bank.submit(claimed.assignment.id, "test:wendy", TONE_ANSWER, "k1")
    return result.submission.gold_correct


async def test_csv_gold_cells_compare_with_the_answer_they_spell(bank):
    # A CSV cell is always text: the rating '3' and the single label 'noir' (of a multi-label
    # question) were stored as written, so the right answer scored as wrong.
    data = b"id,excerpt,gold.tone,gold.genre,gold.pacing\nt1,A: hi.,tense,noir,3\n"
    assert await answered_gold(bank, data, "b.csv", settings=CSV_SETTINGS) is True
    claimed = await bank.claimed(1)
    assert claimed.task.gold == {"tone": "tense", "genre": ["noir"], "pacing": 3}


async def test_a_csv_gold_label_holding_a_bar_or_bracket_is_that_label(bank):
    # A `|` (or a leading `[`) split every gold cell into a list, whatever its question: a label
    # named "yes|no" could not be gold, and the refusal quoted back the very value given.
    settings = {
        "project": "P",
        "name": "bars",
        "template": "custom",
        "pay_cents": 40,
        "payload_fields": {"excerpt": "text"},
        "questions": [
            {"id": "q", "kind": "label", "prompt": "P", "options": ["yes|no", "[maybe]", "no"]},
            {"id": "m", "kind": "labels", "prompt": "M", "options": ["a", "b", "c"]},
        ],
    }
    data = b"id,excerpt,gold.q,gold.m\nt1,hi,yes|no,a|c\nt2,hi,[maybe],b\n"
    await bank.import_batch(data, filename="b.csv", settings=settings)
    stored = await query(bank.store, "SELECT external_id, gold_json FROM tasks ORDER BY id")
    golds = {external_id: json.loads(gold) for external_id, gold in stored}
    assert golds == {"t1": {"q": "yes|no", "m": ["a", "c"]}, "t2": {"q": "[maybe]", "m": ["b"]}}


async def test_a_gold_label_in_the_other_unicode_form_is_that_option(bank):
    # An option written decomposed (as macOS writes "café": e and a combining accent) and its gold
    # composed printed alike, yet the gold was refused as "not an option".
    settings = header(
        template="custom",
        payload_fields={"excerpt": "text"},
        questions=[{"id": "q", "kind": "label", "prompt": "P", "options": ["cafe\u0301", "tea"]}],
    )
    task = {"id": "t1", "payload": {"excerpt": "x"}, "gold": {"q": "caf\u00e9"}}
    batch = await bank.import_batch(jsonl(settings, [task]), filename="b.jsonl")
    (gold,) = await query(bank.store, "SELECT gold_json FROM tasks")
    assert json.loads(gold[0]) == {"q": "cafe\u0301"}  # stored as the option is spelled
    # and a writer's answer, in either form, matches it
    claimed = await bank.claim("test:wendy", batch_id=batch.id)
    result = await bank.submit(claimed.assignment.id, "test:wendy", {"q": "caf\u00e9"}, "k1")
    assert result.submission.gold_correct is True
    assert result.submission.answers == {"q": "cafe\u0301"}


async def test_jsonl_gold_written_loosely_is_stored_normalised(bank):
    task = tone_task(1, gold={"tone": "tense", "genre": "noir", "pacing": "3"})
    assert await answered_gold(bank, jsonl(header(), [task]), "b.jsonl") is True


@pytest.mark.parametrize("gold", [{}, {"tone": None}, {"tone": ""}, {"genre": []}])
async def test_a_gold_answer_that_answers_nothing_is_refused(bank, gold):
    data = jsonl(header(), [tone_task(1), tone_task(2, gold=gold)])
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="b.jsonl")
    (problem,) = raised.value.problems
    assert (problem.location, problem.field) == ("b.jsonl:3", "gold")
    assert "answers no question" in problem.message
    assert await bank.list_batches() == []


async def test_a_repeated_key_in_a_header_or_task_is_refused_on_its_line(bank):
    settings = json.dumps({"batch": header()})[:-2] + ', "pay_cents": 4000}}'
    task = '{"id": "t2", "id": "t3", "payload": {"excerpt": "x"}}'
    for data, line in (
        (f"{settings}\n{json.dumps(tone_task(1))}\n", "b.jsonl:1"),
        (f"{json.dumps({'batch': header()})}\n{task}\n", "b.jsonl:2"),
    ):
        with pytest.raises(ValidationFailed) as raised:
            await bank.import_batch(data.encode(), filename="b.jsonl")
        (problem,) = raised.value.problems
        assert problem.location == line
        assert "appears twice in one object" in problem.message
    assert await bank.list_batches() == []


def test_a_repeated_key_in_a_settings_file_is_refused():
    data = b'{"project": "P", "name": "n", "template": "dialogue_tone",\n "pay_cents": 40, "pay_cents": 4000}'
    with pytest.raises(ValidationFailed) as raised:
        load_settings_file(data, "s.json")
    assert "'pay_cents' appears twice" in raised.value.problems[0].message
