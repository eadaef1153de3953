"""Gold tasks are mixed into each writer's stream at the batch's gold rate, never twice to one
writer, open to every writer once, and settled as `check` or `feedback` per question."""

from __future__ import annotations

import random

import pytest

from taskbank.errors import NothingToClaim, ValidationFailed
from taskbank.models import AssignmentState, LedgerKind, SubmissionStatus, Verdict
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, header, jsonl, tone_task

WRONG = {**TONE_ANSWER, "tone": "warm"}


def gold_batch(plain: int, gold: int, **quality) -> bytes:
    """`plain` ordinary tasks, then `gold` gold tasks at the end of the file (file order would
    serve every ordinary task before the first gold one)."""
    tasks = [tone_task(i) for i in range(1, plain + 1)]
    tasks += [tone_task(1000 + i, gold={"tone": "tense"}) for i in range(1, gold + 1)]
    settings = header(name=quality.pop("name", "mix-1"), **quality.pop("settings", {}))
    if quality:
        settings["quality"] = quality
    return jsonl(settings, tasks)


async def stream(bank: TaskBank, writer: str, count: int, batch_id: int | None = None) -> list:
    """The tasks a writer gets, claiming and answering `count` times (or until none is left)."""
    got = []
    for _ in range(count):
        try:
            claimed = await bank.claim(writer, batch_id=batch_id)
        except NothingToClaim:
            break
        got.append(claimed.task)
        await bank.submit(
            claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-{claimed.assignment.id}"
        )
    return got


async def test_gold_is_mixed_into_a_writers_stream_at_the_gold_rate(bank):
    await bank.import_batch(gold_batch(200, 50, gold_rate=0.2), filename="g.jsonl")
    got = await stream(bank, "ana", 100)
    gold = [task for task in got if task.gold is not None]
    assert len(got) == 100
    assert 10 <= len(gold) <= 30  # about one claim in five, not the none file order gives
    assert any(task.gold is not None for task in got[:20])


async def test_without_a_rate_gold_is_mixed_in_at_its_share_of_the_batch(bank):
    batch = await bank.import_batch(gold_batch(90, 10), filename="g.jsonl")
    got = await stream(bank, "ana", 50)
    assert 1 <= sum(task.gold is not None for task in got) <= 12
    policy_json = await bank.store.batch_quality(batch.id)
    assert '"gold_rate": 0.1' in policy_json


async def test_the_same_seed_gives_the_same_stream(store, clock):
    first_bank = TaskBank(store, clock=clock, rng=random.Random(3))
    one = await first_bank.import_batch(
        gold_batch(30, 10, gold_rate=0.3, name="a"), filename="a.jsonl"
    )
    two = await first_bank.import_batch(
        gold_batch(30, 10, gold_rate=0.3, name="b"), filename="b.jsonl"
    )
    first = await stream(first_bank, "ana", 20, batch_id=one.id)
    second_bank = TaskBank(store, clock=clock, rng=random.Random(3))
    second = await stream(second_bank, "ana", 20, batch_id=two.id)
    assert [t.external_id for t in first] == [t.external_id for t in second]
    assert any(t.gold is not None for t in first) and any(t.gold is None for t in first)


async def test_a_writer_never_gets_the_same_gold_twice(bank):
    await bank.import_batch(gold_batch(5, 3, gold_rate=1.0), filename="g.jsonl")
    got = await stream(bank, "ana", 20)
    gold_ids = [task.external_id for task in got if task.gold is not None]
    assert sorted(gold_ids) == ["t-1001", "t-1002", "t-1003"]
    assert len(got) == 8  # then nothing is left for ana
    with pytest.raises(NothingToClaim):
        await bank.claim("ana")


async def test_a_gold_task_skipped_or_released_never_comes_back_to_that_writer(bank):
    await bank.import_batch(gold_batch(0, 2, gold_rate=1.0), filename="g.jsonl")
    first = await bank.claim("ana")
    await bank.skip(first.assignment.id, "ana")
    second = await bank.claim("ana")
    await bank.release(second.assignment.id, "ana")
    assert {first.task.external_id, second.task.external_id} == {"t-1001", "t-1002"}
    with pytest.raises(NothingToClaim):
        await bank.claim("ana")
    assignment = await bank.store.get_assignment(second.assignment.id)
    assert assignment.state == AssignmentState.RELEASED


async def test_gold_tasks_are_control_tasks_every_writer_answers_once(bank):
    # overlap 1: an ordinary task goes to one writer, a gold task to every writer.
    await bank.import_batch(gold_batch(0, 2, gold_rate=1.0), filename="g.jsonl")
    for writer in ("ana", "ben", "cy"):
        got = await stream(bank, writer, 5)
        assert sorted(t.external_id for t in got) == ["t-1001", "t-1002"]


async def test_a_batch_without_gold_is_claimed_in_file_order(bank):
    await bank.import_batch(gold_batch(5, 0, gold_rate=0.5), filename="g.jsonl")
    got = await stream(bank, "ana", 5)
    assert [t.external_id for t in got] == [f"t-{i:04d}" for i in range(1, 6)]


async def test_a_wrong_gold_answer_is_paid_and_counted_by_default(bank):
    await bank.import_batch(gold_batch(0, 1, gold_rate=1.0), filename="g.jsonl")
    claimed = await bank.claim("ana")
    result = await bank.submit(claimed.assignment.id, "ana", WRONG, "k1")
    assert result.submission.gold_correct is False
    assert await bank.check_gold() == 1
    review = await bank.store.get_review(result.submission.id)
    assert review.verdict == Verdict.APPROVED
    assert review.reason == (
        "approved and paid; the expected answer to 'Dominant tone' was tense (you answered warm)"
    )
    entries = await bank.store.ledger_entries("ana")
    assert [(e.kind, e.amount_cents) for e in entries] == [(LedgerKind.EARNED, 40)]


async def test_a_wrong_answer_to_a_check_question_is_rejected_naming_it(bank):
    data = gold_batch(0, 1, gold_rate=1.0, gold_modes={"tone": "check"})
    await bank.import_batch(data, filename="g.jsonl")
    claimed = await bank.claim("ana")
    result = await bank.submit(claimed.assignment.id, "ana", WRONG, "k1")
    await bank.check_gold()
    submission = await bank.store.get_submission(result.submission.id)
    assert submission.status == SubmissionStatus.REJECTED
    review = await bank.store.get_review(submission.id)
    assert review.reason == "did not match the expected answer to 'Dominant tone'"
    assert await bank.store.ledger_entries("ana") == []


async def test_gold_modes_must_name_questions_of_the_batch(bank):
    data = gold_batch(1, 1, gold_modes={"mood": "check"})
    with pytest.raises(ValidationFailed, match="mood, not a question of this batch"):
        await bank.import_batch(data, filename="g.jsonl")
    assert await bank.list_batches() == []


async def test_the_task_a_writer_gets_does_not_say_it_is_gold(bank):
    from bot.render import task_card

    await bank.import_batch(gold_batch(0, 1, gold_rate=1.0), filename="g.jsonl")
    claimed = await bank.claim("ana")
    card = task_card(claimed, {}, "UTC", "USD", None, now=bank.now())
    assert "gold" not in repr(card).lower()
