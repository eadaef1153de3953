"""Statements per claim and submit on SQLite's writer: one claiming statement however many
batches are tried, the task coming back with it, and a submit that looks nothing up again.

Counting statements is deterministic (SQLite's trace hook on the writer connection, installed by
an operation that runs on the writer's own thread), so this is a specification, not a timing.
"""

from __future__ import annotations

import random
import sqlite3

import pytest

from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER, tone_batch

# What the writer runs around every operation, not the operation's own statements.
_FRAMING = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK", "--")


@pytest.fixture
async def traced(tmp_path, clock):
    """A bank on SQLite whose writer records every statement it runs."""
    store = SqliteStore(tmp_path / "traced.db")
    await store.open()
    statements: list[str] = []

    def install(connection: sqlite3.Connection) -> None:
        connection.set_trace_callback(statements.append)

    await store.runner.run(install)
    try:
        yield TaskBank(store, clock=clock, rng=random.Random(7)), statements
    finally:
        await store.close()


def own(statements: list[str]) -> list[str]:
    """The statements an operation ran itself, not the group's framing. The hook reports each
    statement with its arguments filled in, and reports it again as each trigger it fires
    starts, so a repeat of the same text is one statement (a claim tried batch by batch would
    show one text per batch: the batch is an argument)."""
    ran = [s.strip() for s in statements if not s.strip().upper().startswith(_FRAMING)]
    return list(dict.fromkeys(ran))


async def test_a_claim_across_several_batches_is_one_statement_returning_its_task(traced, clock):
    bank, statements = traced
    # Three batches in priority order: the writer has done the first, another holds the second.
    first = await bank.import_batch(tone_batch(1, name="done", priority=3), filename="a.jsonl")
    await bank.import_batch(tone_batch(1, name="full", priority=2), filename="b.jsonl")
    await bank.import_batch(tone_batch(1, name="free", priority=1), filename="c.jsonl")
    done = await bank.claim("ana", batch_id=first.id)
    await bank.submit(done.assignment.id, "ana", TONE_ANSWER, "k-done")
    await bank.claim("bo")  # takes the only slot of "full"
    statements.clear()

    claimed = await bank.claim("ana")

    assert claimed.batch.name == "free"
    assert claimed.task.external_id == "t-0001"
    ran = own(statements)
    assert len(ran) == 1, [s[:60] for s in ran]
    assert ran[0].startswith("INSERT INTO assignments")


async def test_a_submit_after_a_claim_is_one_statement_and_no_look_up(traced):
    bank, statements = traced
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    claimed = await bank.claim("ana")
    statements.clear()

    result = await bank.submit(claimed.assignment.id, "ana", TONE_ANSWER, "k1")

    assert not result.replayed
    ran = own(statements)
    assert len(ran) == 1, [s[:60] for s in ran]
    assert ran[0].startswith("INSERT INTO submissions")


async def test_a_writer_at_the_limit_gets_their_lease_back_without_a_new_one(traced):
    bank, statements = traced
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    first = await bank.claim("ana")
    statements.clear()

    again = await bank.claim("ana")

    assert again.assignment.id == first.assignment.id
    # The claim refused inside its one statement; only then the slow path looks the lease up.
    assert [s.split()[0] for s in own(statements)] == ["INSERT", "SELECT"]
