"""PostgreSQL's claim re-checks access claim by claim inside a group (migration 0011), so TaskBank
may plan from a moment-old list of open batches; and a group's answers close their leases in the
one statement trigger over the inserted rows, slots untouched."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest

from taskbank.clock import ManualClock, to_micros
from taskbank.service import TaskBank
from taskbank.store.records import NewSubmission
from tests.batches import TONE_ANSWER, tone_batch
from tests.conftest import fresh_postgres_store

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
async def pg_store():
    async with fresh_postgres_store(min_size=2, max_size=4) as store:
        yield store


async def test_a_group_of_claims_refuses_paused_writers_and_unaccepted_terms_claim_by_claim(
    pg_store,
):
    bank = TaskBank(pg_store, clock=ManualClock(NOW), rng=random.Random(7))
    plain = await bank.import_batch(tone_batch(5, name="plain"), filename="p.jsonl")
    contract = {"name": "Contract", "terms": "Answers belong to the client."}
    signed = await bank.import_batch(
        tone_batch(5, name="signed", project=contract), filename="s.jsonl"
    )
    first = await bank.claim("ana")
    answered = await bank.submit(first.assignment.id, "ana", TONE_ANSWER, "k-ana")
    await pg_store.pool.execute(
        "INSERT INTO writer_pauses (batch_id, writer_id, paused_at, reason, gold_correct,"
        " gold_answered, last_submission_id) VALUES ($1, 'ben', $2, 'test', 0, 1, $3)",
        plain.id,
        to_micros(NOW),
        answered.submission.id,
    )
    await pg_store.accept_terms(signed.project_id, "dan", NOW)
    grouped = pg_store._claims.grouped

    ben, cat, eve, dan = await asyncio.gather(
        pg_store.claim("ben", [plain.id], {}, NOW),  # paused on it
        pg_store.claim("cat", [plain.id], {}, NOW),
        pg_store.claim("eve", [signed.id], {}, NOW),  # has not accepted the terms
        pg_store.claim("dan", [signed.id], {}, NOW),
    )

    assert pg_store._claims.grouped == grouped + 4  # one statement decided all four
    assert (ben, eve) == (None, None)
    assert cat is not None and cat[0].batch_id == plain.id
    assert dan is not None and dan[0].batch_id == signed.id


async def test_a_groups_answers_close_every_lease_and_leave_the_slots_alone(pg_store):
    bank = TaskBank(pg_store, clock=ManualClock(NOW), rng=random.Random(7))
    await bank.import_batch(tone_batch(4, overlap=2), filename="b.jsonl")
    claims = await asyncio.gather(*(bank.claim(f"w{i}") for i in range(6)))
    slots_before = sorted(await pg_store.pool.fetch("SELECT id, open_slots FROM tasks"))
    grouped = pg_store._submits.grouped

    later = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    stored = await asyncio.gather(
        *(
            pg_store.insert_submission(
                NewSubmission(c.assignment.id, c.assignment.writer_id, f"k{i}", TONE_ANSWER, None),
                later,
            )
            for i, c in enumerate(claims)
        )
    )

    assert pg_store._submits.grouped == grouped + 6
    assert [replayed for _, replayed in stored] == [False] * 6
    leases = await pg_store.pool.fetch("SELECT state, ended_at FROM assignments")
    assert {(row["state"], row["ended_at"]) for row in leases} == {("submitted", to_micros(later))}
    assert sorted(await pg_store.pool.fetch("SELECT id, open_slots FROM tasks")) == slots_before
