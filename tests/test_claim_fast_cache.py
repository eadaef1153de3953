"""Claims planned from the cached list of open batches (taskbank/bank/openbatches.py) stay exact
when another process changes what a writer may claim: two banks on one database, both stores
(both plan from the cache, and each store's claim statement re-checks: SQLite's, and
PostgreSQL's claim_task since migration 0011)."""

from __future__ import annotations

import random

import pytest

from taskbank.bank.openbatches import OpenBatches
from taskbank.errors import NothingToClaim
from taskbank.models import BatchState
from taskbank.service import TaskBank
from taskbank.store import BatchCandidate
from tests.batches import TONE_ANSWER, tone_batch
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch


@pytest.fixture
async def banks(make_store, clock):
    """Two banks, each on its own store (its own connections), over one database."""
    here, there = make_store(), make_store()
    await here.open()
    await there.open()
    try:
        yield (
            TaskBank(here, clock=clock, rng=random.Random(7)),
            TaskBank(there, clock=clock, rng=random.Random(8)),
        )
    finally:
        await there.close()
        await here.close()


async def test_a_batch_paused_elsewhere_hands_out_nothing_here_until_resumed(banks):
    here, there = banks
    batch = await here.import_batch(tone_batch(3), filename="b.jsonl")
    await here.claim("w1")  # the list of open batches is now cached here
    await there.set_batch_state(batch.id, BatchState.PAUSED)
    with pytest.raises(NothingToClaim, match="no batch is open"):
        await here.claim("w2")
    await there.set_batch_state(batch.id, BatchState.OPEN)
    assert (await here.claim("w2")).batch.id == batch.id


async def test_a_batch_closed_elsewhere_is_skipped_for_the_next_open_one(banks):
    here, there = banks
    urgent = await here.import_batch(tone_batch(3, name="urgent", priority=5), filename="u.jsonl")
    await here.import_batch(tone_batch(3, name="later"), filename="l.jsonl")
    assert (await here.claim("w1")).batch.name == "urgent"
    await there.set_batch_state(urgent.id, BatchState.CLOSED)
    assert (await here.claim("w2")).batch.name == "later"


async def test_a_writer_paused_elsewhere_is_refused_here_with_the_reason(banks):
    here, there = banks
    pause = {"window": 3, "min_accuracy": 0.6}
    batch = await here.import_batch(
        gold_batch(2, 8, gold_rate=1.0, pause=pause), filename="g.jsonl"
    )
    await here.claim("ben")  # cached here, before ana is paused there
    for _ in range(3):
        claimed = await there.claim("ana")
        await there.submit(claimed.assignment.id, "ana", WRONG, f"k{claimed.assignment.id}")
    assert [p.writer_id for p in await there.paused_writers(batch.id)] == ["ana"]
    with pytest.raises(NothingToClaim, match=f"you are paused on batch {batch.id}"):
        await here.claim("ana")
    await there.reinstate(batch.id, "ana", "coordinator")
    assert (await here.claim("ana")).batch.id == batch.id


async def test_terms_must_be_accepted_even_when_another_writer_warmed_the_list(banks):
    here, there = banks
    project = {"name": "Contract", "terms": "Answers belong to the client."}
    await here.import_batch(tone_batch(3, project=project), filename="b.jsonl")
    with pytest.raises(NothingToClaim) as raised:
        await here.claim("w1")
    project_id = raised.value.needs_terms_for
    assert project_id is not None
    await here.accept_terms(project_id, "w1")
    await here.claim("w1")  # cached now, by a writer who accepted
    with pytest.raises(NothingToClaim, match="accept the terms of project 'Contract'"):
        await here.claim("w2")
    await there.accept_terms(project_id, "w2")  # accepted in the other process
    assert (await here.claim("w2")).project.name == "Contract"


async def test_a_budget_cap_holds_across_processes_with_a_warm_list(banks):
    here, there = banks
    project = {"name": "Capped", "budget_cap_cents": 100}  # 40 cents a task: two fit
    await here.import_batch(tone_batch(5, project=project), filename="b.jsonl")
    await here.claim("w1")
    await there.claim("w2")
    with pytest.raises(NothingToClaim, match="over budget"):
        await here.claim("w3")


async def test_one_live_lease_per_writer_across_processes_with_warm_lists(banks):
    here, there = banks
    await here.import_batch(tone_batch(4), filename="b.jsonl")
    await there.claim("w2")  # the other process's list is warm too
    first = await here.claim("w1")
    again = await there.claim("w1")
    assert again.assignment.id == first.assignment.id
    assert [a.id for a in await here.active_assignments("w1")] == [first.assignment.id]


async def test_a_batch_made_or_resumed_through_this_bank_is_claimable_at_once(banks):
    here, _ = banks
    await here.import_batch(tone_batch(3, name="plain"), filename="p.jsonl")
    await here.claim("w1")
    urgent = await here.import_batch(tone_batch(3, name="urgent", priority=9), filename="u.jsonl")
    assert (await here.claim("w2")).batch.id == urgent.id
    await here.set_batch_state(urgent.id, BatchState.PAUSED)
    assert (await here.claim("w3")).batch.name == "plain"
    await here.set_batch_state(urgent.id, BatchState.OPEN)
    assert (await here.claim("w4")).batch.id == urgent.id


async def test_a_batch_made_elsewhere_is_claimed_once_the_cached_list_lapses(banks):
    here, there = banks
    ticks = [0.0]
    here._open_batches = OpenBatches(seconds=1.0, clock=lambda: ticks[0])
    await here.import_batch(tone_batch(3, name="plain"), filename="p.jsonl")
    await here.claim("w1")
    urgent = await there.import_batch(tone_batch(3, name="urgent", priority=9), filename="u.jsonl")
    ticks[0] += 1.0
    claimed = await here.claim("w2")
    assert claimed.batch.id == urgent.id
    await here.submit(claimed.assignment.id, "w2", TONE_ANSWER, "k-w2")


async def test_the_open_batch_count_follows_changes_here_at_once_and_elsewhere_in_a_moment(banks):
    """/task asks how many batches are open (menu or straight claim) from the claim's list."""
    here, there = banks
    ticks = [0.0]
    here._open_batches = OpenBatches(seconds=1.0, clock=lambda: ticks[0])
    assert await here.open_batch_count("w1") == 0
    first = await here.import_batch(tone_batch(3, name="one"), filename="1.jsonl")
    assert await here.open_batch_count("w1") == 1  # a batch made here drops the list
    await there.import_batch(tone_batch(3, name="two"), filename="2.jsonl")
    ticks[0] += 1.0
    assert await here.open_batch_count("w1") == 2  # made elsewhere: seen once the list lapses
    await here.set_batch_state(first.id, BatchState.PAUSED)
    assert await here.open_batch_count("w1") == 1


def candidate(batch_id: int, **facts) -> BatchCandidate:
    return BatchCandidate(batch_id, 1, "P", "dialogue_tone", 40, None, False, None, **facts)


def test_the_cached_list_lapses_and_keeps_no_writer_facts():
    ticks = [0.0]
    kept = OpenBatches(seconds=2.0, clock=lambda: ticks[0])
    assert kept.current() is None
    mark = kept.started()
    kept.keep(mark, [candidate(1, paused=True), candidate(2)])
    assert [(c.batch_id, c.paused, c.needs_terms) for c in kept.current()] == [
        (1, False, False),
        (2, False, False),
    ]
    ticks[0] = 1.9
    assert kept.current() is not None
    ticks[0] = 2.0
    assert kept.current() is None


def test_a_read_begun_before_a_change_is_not_kept():
    kept = OpenBatches(seconds=5.0, clock=lambda: 0.0)
    kept.keep(kept.started(), [candidate(1)])
    mark = kept.started()
    kept.forget()  # e.g. a batch paused while the read was on its way
    assert kept.current() is None
    kept.keep(mark, [candidate(1)])
    assert kept.current() is None
    kept.keep(kept.started(), [candidate(2)])
    assert [c.batch_id for c in kept.current()] == [2]
