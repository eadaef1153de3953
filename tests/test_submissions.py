"""Submissions: validated, idempotent, timed."""

from __future__ import annotations

import pytest

from taskbank.errors import NotAllowed, ValidationFailed
from taskbank.models import AssignmentState
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch, tone_task


async def test_a_valid_answer_is_stored_with_its_time_on_task(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    clock.advance(seconds=95)
    result = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    assert not result.replayed
    assert result.submission.seconds_on_task == 95
    assert result.submission.answers == {"tone": "tense", "genre": ["noir"], "pacing": 3}
    assert (
        await bank.store.get_assignment(claimed.assignment.id)
    ).state == AssignmentState.SUBMITTED


async def test_an_invalid_answer_changes_nothing(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    with pytest.raises(ValidationFailed) as raised:
        await bank.submit(claimed.assignment.id, "w1", {"tone": "sad"}, "k1")
    assert {p.field for p in raised.value.problems} == {"tone", "genre", "pacing"}
    assert (await bank.store.get_assignment(claimed.assignment.id)).state == AssignmentState.ACTIVE
    assert await bank.store.submission_for_assignment(claimed.assignment.id) is None


async def test_a_repeated_submit_with_the_same_key_stores_nothing_new(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    first = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    again = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    double_click = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k2")
    assert again.replayed and double_click.replayed
    assert again.submission.id == double_click.submission.id == first.submission.id


async def test_a_submit_after_saving_replays_whatever_it_carries_in_this_process_or_another(
    bank,
):
    """This process knows the claim (no lookup); another bank on the same store does not."""
    from taskbank.service import TaskBank

    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    first = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    other_process = TaskBank(bank.store, clock=bank.clock)
    for submitting in (bank, other_process):
        again = await submitting.submit(claimed.assignment.id, "w1", {"tone": "nonsense"}, "k9")
        assert again.replayed and again.submission.id == first.submission.id
        with pytest.raises(NotAllowed, match="another writer"):
            await submitting.submit(claimed.assignment.id, "w2", TONE_ANSWER, "k8")


async def test_a_submit_in_another_process_than_the_claim_is_stored(bank):
    from taskbank.service import TaskBank

    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    other_process = TaskBank(bank.store, clock=bank.clock)
    result = await other_process.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    assert not result.replayed and result.submission.task_id == claimed.task.id


async def test_concurrent_double_submits_store_one(bank):
    import asyncio

    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    results = await asyncio.gather(
        *(bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, f"k{i}") for i in range(5))
    )
    assert len({r.submission.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1


async def test_a_client_key_cannot_be_reused_for_another_task(bank):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    first = await bank.claim("w1")
    await bank.submit(first.assignment.id, "w1", TONE_ANSWER, "same")
    second = await bank.claim("w1")
    with pytest.raises(NotAllowed, match="client key"):
        await bank.submit(second.assignment.id, "w1", TONE_ANSWER, "same")


async def test_gold_tasks_record_agreement(bank):
    data = jsonl(
        header(), [tone_task(1, gold={"tone": "tense"}), tone_task(2, gold={"tone": "warm"})]
    )
    await bank.import_batch(data, filename="g.jsonl")
    right = await bank.claim("w1")
    assert (
        await bank.submit(right.assignment.id, "w1", TONE_ANSWER, "a")
    ).submission.gold_correct is True
    wrong = await bank.claim("w1")
    assert (
        await bank.submit(wrong.assignment.id, "w1", TONE_ANSWER, "b")
    ).submission.gold_correct is False


async def test_a_ranking_round_trip_uses_the_tasks_own_options(bank):
    data = jsonl(
        header(template="rank_endings", name="e"),
        [
            {"id": "e1", "payload": {"excerpt": "x", "endings": ["Up", "Down", "Sideways"]}},
        ],
    )
    await bank.import_batch(data, filename="e.jsonl")
    claimed = await bank.claim("w1")
    answer = {"ranking": ["Down", "Up", "Sideways"], "reason": "the fall is the point here"}
    stored = await bank.submit(claimed.assignment.id, "w1", answer, "k")
    assert stored.submission.answers["ranking"] == ["Down", "Up", "Sideways"]
