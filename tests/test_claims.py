"""Claims: atomic, never over overlap, never the same task twice, leases that expire."""

from __future__ import annotations

import pytest

from taskbank.errors import LeaseLost, NotAllowed, NothingToClaim
from taskbank.models import AssignmentState, BatchState
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch


async def test_tasks_are_claimed_in_file_order(bank):
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    claimed = [(await bank.claim(f"w{i}")).task.external_id for i in range(3)]
    assert claimed == ["t-0001", "t-0002", "t-0003"]


async def test_a_task_never_has_more_live_assignments_than_its_overlap(bank):
    await bank.import_batch(tone_batch(1, overlap=2), filename="b.jsonl")
    await bank.claim("w1")
    await bank.claim("w2")
    with pytest.raises(NothingToClaim, match="no task is left"):
        await bank.claim("w3")


async def test_writer_never_gets_same_task_twice(bank):
    await bank.import_batch(tone_batch(1, overlap=3), filename="b.jsonl")
    first = await bank.claim("w1")
    await bank.submit(first.assignment.id, "w1", TONE_ANSWER, "k1")
    with pytest.raises(NothingToClaim):
        await bank.claim("w1")


async def test_a_skipped_task_is_never_offered_to_that_writer_again(bank):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    first = await bank.claim("w1")
    await bank.skip(first.assignment.id, "w1")
    assert (await bank.claim("w1")).task.external_id == "t-0002"
    assert (await bank.claim("w2")).task.external_id == "t-0001"


async def test_a_released_task_goes_back_to_the_pool_for_others(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    first = await bank.claim("w1")
    await bank.release(first.assignment.id, "w1")
    with pytest.raises(NothingToClaim):
        await bank.claim("w1")
    assert (await bank.claim("w2")).task.external_id == "t-0001"


async def test_higher_priority_batches_come_first_then_older_ones(bank, clock):
    await bank.import_batch(tone_batch(1, name="old"), filename="a.jsonl")
    clock.advance(minutes=1)
    await bank.import_batch(tone_batch(1, name="new"), filename="b.jsonl")
    clock.advance(minutes=1)
    urgent = await bank.import_batch(tone_batch(1, name="urgent", priority=5), filename="c.jsonl")
    order = [(await bank.claim(f"w{i}")).batch.name for i in range(3)]
    assert order == ["urgent", "old", "new"]
    assert urgent.priority == 5


async def test_paused_and_closed_batches_are_skipped(bank):
    paused = await bank.import_batch(tone_batch(1, name="p"), filename="p.jsonl")
    closed = await bank.import_batch(tone_batch(1, name="c"), filename="c.jsonl")
    await bank.set_batch_state(paused.id, BatchState.PAUSED)
    await bank.set_batch_state(closed.id, BatchState.CLOSED)
    with pytest.raises(NothingToClaim, match="no batch is open"):
        await bank.claim("w1")
    await bank.set_batch_state(paused.id, BatchState.OPEN)
    assert (await bank.claim("w1")).batch.name == "p"


async def test_a_claim_can_ask_for_a_batch_or_a_template(bank):
    await bank.import_batch(tone_batch(1, name="tone"), filename="a.jsonl")
    rewrite = jsonl(
        header(name="rw", template="rewrite_dialogue"),
        [{"id": "r1", "payload": {"line": "Hello there."}}],
    )
    rewrites = await bank.import_batch(rewrite, filename="r.jsonl")
    assert (await bank.claim("w1", template="rewrite_dialogue")).batch.id == rewrites.id
    with pytest.raises(NothingToClaim, match="template 'scene_from_prompt'"):
        await bank.claim("w1", template="scene_from_prompt")
    with pytest.raises(NothingToClaim, match="batch 99 is not open"):
        await bank.claim("w1", batch_id=99)


async def test_terms_are_accepted_before_the_first_claim(bank):
    project = {"name": "Contract", "terms": "Answers belong to the client."}
    await bank.import_batch(tone_batch(1, project=project), filename="b.jsonl")
    with pytest.raises(NothingToClaim) as raised:
        await bank.claim("w1")
    assert raised.value.needs_terms_for is not None
    assert "accept the terms of project 'Contract'" in raised.value.reason
    await bank.accept_terms(raised.value.needs_terms_for, "w1")
    assert (await bank.claim("w1")).project.name == "Contract"


async def test_batches_past_their_deadline_hand_out_nothing(bank, clock):
    deadline = clock.now().replace(hour=10).isoformat()
    await bank.import_batch(tone_batch(2, deadline=deadline), filename="b.jsonl")
    await bank.claim("w1")
    clock.advance(hours=2)
    with pytest.raises(NothingToClaim, match="past their deadline"):
        await bank.claim("w2")


async def test_a_budget_cap_stops_claims_once_committed_pay_would_exceed_it(bank):
    project = {"name": "Capped", "budget_cap_cents": 100}
    await bank.import_batch(tone_batch(5, project=project), filename="b.jsonl")
    await bank.claim("w1")
    await bank.claim("w2")
    with pytest.raises(NothingToClaim, match="over budget"):
        await bank.claim("w3")


async def test_an_expired_lease_returns_the_slot_to_the_pool(bank, clock):
    await bank.import_batch(tone_batch(1, lease_minutes=10), filename="b.jsonl")
    first = await bank.claim("w1")
    with pytest.raises(NothingToClaim):
        await bank.claim("w2")
    clock.advance(minutes=11)
    second = await bank.claim("w2")
    assert second.task.id == first.task.id
    assert (await bank.store.get_assignment(first.assignment.id)).state == AssignmentState.EXPIRED


async def test_a_late_answer_is_kept_when_nobody_took_the_slot(bank, clock):
    await bank.import_batch(tone_batch(1, lease_minutes=10), filename="b.jsonl")
    first = await bank.claim("w1")
    clock.advance(minutes=15)
    assert await bank.expire_leases()
    result = await bank.submit(first.assignment.id, "w1", TONE_ANSWER, "late")
    assert result.submission.seconds_on_task == 15 * 60
    with pytest.raises(NothingToClaim):
        await bank.claim("w2")


async def test_a_late_answer_is_refused_clearly_when_someone_took_the_slot(bank, clock):
    await bank.import_batch(tone_batch(1, lease_minutes=10), filename="b.jsonl")
    first = await bank.claim("w1")
    clock.advance(minutes=15)
    await bank.claim("w2")
    with pytest.raises(LeaseLost, match="another writer has taken the slot"):
        await bank.submit(first.assignment.id, "w1", TONE_ANSWER, "late")


async def test_only_the_holder_may_answer_release_or_skip(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    with pytest.raises(NotAllowed):
        await bank.submit(claimed.assignment.id, "w2", TONE_ANSWER, "k")
    with pytest.raises(NotAllowed):
        await bank.release(claimed.assignment.id, "w2")


async def test_a_released_task_cannot_then_be_answered(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    await bank.release(claimed.assignment.id, "w1")
    with pytest.raises(NotAllowed, match="released"):
        await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k")
