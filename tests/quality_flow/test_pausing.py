"""Qualification before paid work, pausing on falling gold accuracy, and reinstating."""

from __future__ import annotations

import pytest

from taskbank.errors import NotAllowed, NothingToClaim
from tests.batches import TONE_ANSWER
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch

PAUSE = {"window": 3, "min_accuracy": 0.6}


async def answer(bank, writer: str, *, right_on_gold: bool = True):
    """Claim one task and answer it (wrong on gold when asked); returns the claimed task."""
    claimed = await bank.claim(writer)
    wrong = claimed.task.gold is not None and not right_on_gold
    await bank.submit(
        claimed.assignment.id, writer, WRONG if wrong else TONE_ANSWER, f"k{claimed.assignment.id}"
    )
    return claimed.task


async def test_a_writer_below_the_threshold_is_paused_and_told_why_with_their_record(bank):
    batch = await bank.import_batch(
        gold_batch(2, 6, gold_rate=1.0, pause=PAUSE), filename="g.jsonl"
    )
    for _ in range(3):
        await answer(bank, "ana", right_on_gold=False)
    with pytest.raises(NothingToClaim) as refused:
        await bank.claim("ana")
    assert refused.value.reason == (
        f"you are paused on batch {batch.id}: your last 3 answers to quality-check tasks were"
        " 0 of 3 right (0%); this batch needs at least 60%. A coordinator can reinstate you"
        " once you have talked it over"
    )
    (pause,) = await bank.paused_writers(batch.id)
    assert (pause.writer_id, pause.gold_correct, pause.gold_answered) == ("ana", 0, 3)


async def test_a_writer_is_judged_only_once_the_window_is_full(bank):
    await bank.import_batch(gold_batch(2, 6, gold_rate=1.0, pause=PAUSE), filename="g.jsonl")
    await answer(bank, "ana", right_on_gold=False)
    await answer(bank, "ana", right_on_gold=False)
    assert await bank.paused_writers() == []
    await answer(bank, "ana")  # 1 of 3 right: below 60%
    assert [p.writer_id for p in await bank.paused_writers()] == ["ana"]


async def test_a_writer_at_the_threshold_keeps_working(bank):
    await bank.import_batch(gold_batch(2, 6, gold_rate=1.0, pause=PAUSE), filename="g.jsonl")
    await answer(bank, "ana", right_on_gold=False)
    await answer(bank, "ana")
    await answer(bank, "ana")  # 2 of 3 right
    assert await bank.paused_writers() == []
    await answer(bank, "ana")


async def test_a_pause_on_one_writer_leaves_others_working(bank):
    await bank.import_batch(gold_batch(2, 6, gold_rate=1.0, pause=PAUSE), filename="g.jsonl")
    for _ in range(3):
        await answer(bank, "ana", right_on_gold=False)
    await answer(bank, "ben")


async def test_a_reinstated_writer_claims_again_and_starts_a_fresh_window(bank):
    batch = await bank.import_batch(
        gold_batch(2, 9, gold_rate=1.0, pause=PAUSE), filename="g.jsonl"
    )
    for _ in range(3):
        await answer(bank, "ana", right_on_gold=False)
    reinstated = await bank.reinstate(batch.id, "ana", by="coord")
    assert reinstated.reinstated_by == "coord"
    await answer(bank, "ana", right_on_gold=False)  # one miss after reinstating: window not full
    assert await bank.paused_writers() == []
    await answer(bank, "ana", right_on_gold=False)
    await answer(bank, "ana", right_on_gold=False)
    assert [p.writer_id for p in await bank.paused_writers(batch.id)] == ["ana"]


async def test_reinstating_a_writer_who_is_not_paused_is_refused(bank):
    batch = await bank.import_batch(
        gold_batch(2, 2, gold_rate=1.0, pause=PAUSE), filename="g.jsonl"
    )
    with pytest.raises(NotAllowed, match="ana is not paused on batch"):
        await bank.reinstate(batch.id, "ana", by="coord")


QUALIFY = {"gold_tasks": 2, "min_accuracy": 1.0}


async def test_a_qualifying_writer_gets_only_gold_until_they_pass(bank):
    await bank.import_batch(
        gold_batch(5, 4, gold_rate=0.0, qualification=QUALIFY), filename="g.jsonl"
    )
    first = await answer(bank, "ana")
    second = await answer(bank, "ana")
    assert first.gold is not None and second.gold is not None  # even at gold rate 0
    third = await answer(bank, "ana")
    assert third.gold is None  # passed: ordinary work opens


async def test_a_writer_who_fails_the_qualification_is_told_and_gets_no_paid_work(bank):
    batch = await bank.import_batch(
        gold_batch(5, 4, gold_rate=0.0, qualification=QUALIFY), filename="g.jsonl"
    )
    await answer(bank, "ana")
    await answer(bank, "ana", right_on_gold=False)
    with pytest.raises(NothingToClaim) as refused:
        await bank.claim("ana")
    assert refused.value.reason == (
        f"you did not pass the qualification for batch {batch.id}"
        " (at least 100% of the first 2 quality-check tasks)"
    )


async def test_qualification_answers_do_not_count_towards_a_pause(bank):
    await bank.import_batch(
        gold_batch(
            5,
            6,
            gold_rate=1.0,
            qualification={"gold_tasks": 2, "min_accuracy": 0.5},
            pause={"window": 2, "min_accuracy": 1.0},
        ),
        filename="g.jsonl",
    )
    await answer(bank, "ana")
    await answer(bank, "ana", right_on_gold=False)  # qualified at 1 of 2
    assert await bank.paused_writers() == []
    await answer(bank, "ana")
    await answer(bank, "ana", right_on_gold=False)  # the window after qualifying: 1 of 2
    assert [p.writer_id for p in await bank.paused_writers()] == ["ana"]


async def test_training_mode_shows_the_expected_answer_and_the_guidelines_after_each(bank):
    settings = {"project": {"name": "Trained", "guidelines": "Label what is on the page."}}
    data = gold_batch(
        3,
        3,
        gold_rate=0.0,
        settings=settings,
        qualification={"gold_tasks": 2, "min_accuracy": 0.5, "training": True},
    )
    await bank.import_batch(data, filename="g.jsonl")
    told = []
    for answer_with in (WRONG, TONE_ANSWER, TONE_ANSWER):
        claimed = await bank.claim("ana")
        result = await bank.submit(
            claimed.assignment.id, "ana", answer_with, f"k{claimed.assignment.id}"
        )
        told.append(await bank.training_feedback(result.submission))
    assert told[0] == (
        "Training answer 1 of 2:\n✗ Dominant tone: expected tense (you answered warm)\n"
        "Guidelines: Label what is on the page."
    )
    assert told[1].startswith("Training answer 2 of 2:\n✓ Dominant tone: tense")
    assert told[2] is None  # qualified: ordinary work, nothing revealed


async def test_without_training_mode_nothing_is_revealed(bank):
    await bank.import_batch(
        gold_batch(3, 3, gold_rate=0.0, qualification=QUALIFY), filename="g.jsonl"
    )
    claimed = await bank.claim("ana")
    result = await bank.submit(claimed.assignment.id, "ana", WRONG, "k1")
    assert await bank.training_feedback(result.submission) is None
