"""Tasks whose writers disagree wait for adjudication; the adjudicated answer stands as final;
dynamic overlap opens one more slot on a disputed task, up to max_overlap."""

from __future__ import annotations

import pytest

from taskbank.adjudication import disputed_questions
from taskbank.errors import NotAllowed, NothingToClaim
from taskbank.templates import BUILTIN_TEMPLATES
from tests.batches import TONE_ANSWER, header, jsonl, tone_task

TONE_QUESTIONS = BUILTIN_TEMPLATES["dialogue_tone"].questions


def tones(*values: str) -> list[dict]:
    return [{**TONE_ANSWER, "tone": value} for value in values]


def test_a_strict_majority_settles_a_question_and_a_tie_does_not():
    assert disputed_questions(TONE_QUESTIONS, tones("tense", "tense", "warm")) == []
    assert disputed_questions(TONE_QUESTIONS, tones("tense", "warm")) == ["tone"]
    assert disputed_questions(TONE_QUESTIONS, tones("tense", "warm", "comic")) == ["tone"]


def test_multi_label_answers_agree_whatever_their_order():
    answers = [
        {**TONE_ANSWER, "genre": ["noir", "drama"]},
        {**TONE_ANSWER, "genre": ["drama", "noir"]},
    ]
    assert disputed_questions(TONE_QUESTIONS, answers) == []


async def answer_all(bank, task_count: int, answers: dict[str, str], batch=None) -> None:
    """Each writer answers every task they can claim, with their own tone."""
    for writer, tone in answers.items():
        for _ in range(task_count):
            try:
                claimed = await bank.claim(writer)
            except NothingToClaim:
                break
            await bank.submit(
                claimed.assignment.id,
                writer,
                {**TONE_ANSWER, "tone": tone},
                f"{writer}-{claimed.assignment.id}",
            )


async def test_tasks_without_a_majority_wait_for_adjudication(bank):
    await bank.import_batch(
        jsonl(header(overlap=2), [tone_task(1), tone_task(2)]), filename="a.jsonl"
    )
    await answer_all(bank, 1, {"ana": "tense", "ben": "tense"})  # task 1 agrees
    await answer_all(bank, 1, {"ana": "tense", "ben": "warm"})  # task 2 does not
    (dispute,) = await bank.adjudication_queue()
    assert dispute.task.external_id == "t-0002" and dispute.questions == ["tone"]
    assert [s.writer_id for s in dispute.submissions] == ["ana", "ben"]


async def test_the_adjudicated_answer_is_final_and_the_first_decision_stands(bank):
    batch = await bank.import_batch(jsonl(header(overlap=2), [tone_task(1)]), filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense", "ben": "warm"})
    (dispute,) = await bank.adjudication_queue(batch.id)
    chosen = dispute.submissions[1]
    answers, recorded = await bank.adjudicate(dispute.task.id, "rev", chosen.id)
    assert recorded and answers["tone"] == "warm"
    assert await bank.adjudication_queue() == []
    again, recorded = await bank.adjudicate(dispute.task.id, "rev2", dispute.submissions[0].id)
    assert not recorded and again["tone"] == "warm"
    assert await bank.store.adjudications(batch.id) == {dispute.task.id: chosen.answers}


async def test_a_writer_of_the_task_cannot_adjudicate_it(bank):
    await bank.import_batch(jsonl(header(overlap=2), [tone_task(1)]), filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense", "ben": "warm"})
    (dispute,) = await bank.adjudication_queue()
    with pytest.raises(NotAllowed, match="a task they answered"):
        await bank.adjudicate(dispute.task.id, "ana", dispute.submissions[0].id)
    assert await bank.store.adjudications(dispute.batch.id) == {}


async def test_a_batch_with_overlap_one_has_nothing_to_adjudicate(bank):
    await bank.import_batch(jsonl(header(overlap=1), [tone_task(1)]), filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense"})
    assert await bank.adjudication_queue() == []


async def test_dynamic_overlap_opens_one_more_slot_when_answers_disagree(bank):
    data = jsonl(header(overlap=2, quality={"max_overlap": 3}), [tone_task(1)])
    await bank.import_batch(data, filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense", "ben": "warm"})
    await answer_all(bank, 1, {"cy": "tense"})  # the third slot opened for the dispute
    with pytest.raises(NothingToClaim):  # 2 of 3 agree now, and max_overlap is reached anyway
        await bank.claim("dee")
    assert await bank.adjudication_queue() == []


async def test_dynamic_overlap_stops_at_max_overlap(bank):
    data = jsonl(header(overlap=2, quality={"max_overlap": 3}), [tone_task(1)])
    await bank.import_batch(data, filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense", "ben": "warm", "cy": "comic"})
    with pytest.raises(NothingToClaim):
        await bank.claim("dee")
    (dispute,) = await bank.adjudication_queue()
    assert [s.writer_id for s in dispute.submissions] == ["ana", "ben", "cy"]


async def test_agreeing_answers_open_no_extra_slot(bank):
    data = jsonl(header(overlap=2, quality={"max_overlap": 3}), [tone_task(1)])
    await bank.import_batch(data, filename="a.jsonl")
    await answer_all(bank, 1, {"ana": "tense", "ben": "tense"})
    with pytest.raises(NothingToClaim):
        await bank.claim("cy")
