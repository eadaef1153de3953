"""Group commit on PostgreSQL (taskbank/store/postgres/grouped.py), on the real server: claims and
answers made at once share one statement and one commit, yet keep every rule — overlap, one lease
per writer, each caller's own result and error — and a caller hears back only after the commit."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime

import asyncpg
import pytest

from taskbank.clock import ManualClock
from taskbank.errors import NotAllowed, NothingToClaim, ValidationFailed
from taskbank.service import Defaults, TaskBank
from taskbank.store.postgres import PostgresStore
from taskbank.store.records import NewSubmission
from tests.batches import TONE_ANSWER, tone_batch
from tests.conftest import POSTGRES_URL, fresh_postgres_store

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
async def pg_store():
    async with fresh_postgres_store(min_size=2, max_size=4) as store:
        yield store


async def bank_on(store: PostgresStore, tasks: int, overlap: int, limit: int = 1) -> TaskBank:
    clock = ManualClock(NOW)
    bank = TaskBank(
        store, clock=clock, rng=random.Random(7), defaults=Defaults(max_active_per_writer=limit)
    )
    await bank.import_batch(tone_batch(tasks, overlap=overlap), filename="b.jsonl")
    return bank


async def attempt(bank: TaskBank, writer: str):
    try:
        return await bank.claim(writer)
    except NothingToClaim:
        return None


async def test_claims_made_at_once_share_statements_and_never_exceed_the_overlap(pg_store):
    bank = await bank_on(pg_store, tasks=10, overlap=2)
    claims = await asyncio.gather(*(attempt(bank, f"w{i}") for i in range(30)))
    taken = [claim for claim in claims if claim is not None]
    assert len(taken) == 20  # 10 tasks x overlap 2, and the other ten writers hear "nothing"
    per_task = Counter(claim.task.id for claim in taken)
    assert set(per_task.values()) == {2}
    assert len({(c.task.id, c.assignment.writer_id) for c in taken}) == 20
    assert pg_store._claims.grouped > 0  # some claims did run together
    slots = await pg_store.pool.fetch("SELECT open_slots FROM tasks")
    assert {row[0] for row in slots} == {0}


async def test_one_writers_claims_in_one_group_hold_the_lease_limit(pg_store):
    bank = await bank_on(pg_store, tasks=20, overlap=1, limit=2)
    claims = await asyncio.gather(*(bank.claim("solo") for _ in range(6)))
    live = await pg_store.pool.fetch(
        "SELECT id FROM assignments WHERE writer_id = 'solo' AND state = 'active'"
    )
    assert len(live) == 2
    assert {claim.assignment.id for claim in claims} == {row[0] for row in live}
    assert pg_store._claims.grouped > 0


async def claimed_by(bank: TaskBank, writers: list[str]) -> dict[str, int]:
    claims = await asyncio.gather(*(bank.claim(writer) for writer in writers))
    return {claim.assignment.writer_id: claim.assignment.id for claim in claims}


async def test_a_refused_answer_in_a_group_reaches_only_its_caller(pg_store):
    bank = await bank_on(pg_store, tasks=10, overlap=1)
    held = await claimed_by(bank, [f"w{i}" for i in range(5)])
    calls = [NewSubmission(held[f"w{i}"], f"w{i}", f"key-{i}", TONE_ANSWER, None) for i in range(4)]
    # w4's assignment answered by someone else: stored nothing, refused after the commit.
    calls.append(NewSubmission(held["w4"], "intruder", "key-x", TONE_ANSWER, None))
    results = await asyncio.gather(
        *(pg_store.insert_submission(call, NOW) for call in calls), return_exceptions=True
    )
    assert all(not isinstance(result, Exception) for result in results[:4])
    assert [replayed for _, replayed in results[:4]] == [False] * 4
    assert isinstance(results[4], NotAllowed)
    assert pg_store._submits.grouped > 0
    stored = await pg_store.pool.fetch("SELECT client_key FROM submissions ORDER BY client_key")
    assert [row[0] for row in stored] == [f"key-{i}" for i in range(4)]


async def test_a_value_the_server_refuses_fails_only_its_own_answer(pg_store):
    bank = await bank_on(pg_store, tasks=10, overlap=1)
    held = await claimed_by(bank, [f"w{i}" for i in range(4)])
    calls = [NewSubmission(held[f"w{i}"], f"w{i}", f"key-{i}", TONE_ANSWER, None) for i in range(3)]
    calls.append(NewSubmission(held["w3"], "w3", "key-\x00", TONE_ANSWER, None))  # NUL: refused
    results = await asyncio.gather(
        *(pg_store.insert_submission(call, NOW) for call in calls), return_exceptions=True
    )
    assert isinstance(results[3], ValidationFailed)
    assert all(not isinstance(result, Exception) for result in results[:3])
    count = await pg_store.pool.fetchval("SELECT count(*) FROM submissions")
    assert count == 3
    state = await pg_store.pool.fetchval("SELECT state FROM assignments WHERE id = $1", held["w3"])
    assert state == "active"  # the failed answer left its lease as it was


async def test_the_same_answer_twice_in_one_group_is_stored_once(pg_store):
    bank = await bank_on(pg_store, tasks=5, overlap=1)
    held = await claimed_by(bank, ["w0", "w1"])
    twice = NewSubmission(held["w0"], "w0", "key-0", TONE_ANSWER, None)
    other = NewSubmission(held["w1"], "w1", "key-1", TONE_ANSWER, None)
    results = await asyncio.gather(
        *(pg_store.insert_submission(c, NOW) for c in (twice, twice, other))
    )
    assert results[0][0].id == results[1][0].id
    assert sorted(replayed for _, replayed in results[:2]) == [False, True]
    assert await pg_store.pool.fetchval("SELECT count(*) FROM submissions") == 2


async def test_each_caller_hears_back_only_after_the_commit(pg_store):
    bank = await bank_on(pg_store, tasks=20, overlap=1)
    held = await claimed_by(bank, [f"w{i}" for i in range(10)])
    watcher = await asyncpg.create_pool(
        POSTGRES_URL, min_size=1, max_size=4, server_settings={"search_path": pg_store.schema}
    )
    try:

        async def submit_then_look(writer: str) -> int:
            call = NewSubmission(held[writer], writer, f"key-{writer}", TONE_ANSWER, None)
            submission, _ = await pg_store.insert_submission(call, NOW)
            # Another session, at once: it sees the answer, so the commit came first.
            return await watcher.fetchval(
                "SELECT count(*) FROM submissions WHERE id = $1", submission.id
            )

        seen = await asyncio.gather(*(submit_then_look(w) for w in held))
        assert seen == [1] * len(held)
        claims_seen = await watcher.fetchval("SELECT count(*) FROM assignments")
        assert claims_seen == len(held)
    finally:
        await watcher.close()
