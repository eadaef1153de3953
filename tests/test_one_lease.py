"""One live lease per writer (`max_active_per_writer`), decided by the claim itself: concurrent
claims by one writer, in one process or several, end with the limit held and no more, and a claim
past the limit hands back a lease the writer already holds."""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskbank.service import Defaults, TaskBank
from taskbank.store.postgres import PostgresStore
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER, tone_batch
from tests.conftest import EVERY_WRITER, POSTGRES_URL, drop_schema, postgres_schema
from tests.inspect_db import query


async def active_per_writer(store) -> dict[str, int]:
    found = await query(
        store,
        "SELECT writer_id, count(*) FROM assignments WHERE state = 'active' GROUP BY writer_id",
    )
    return {writer: count for writer, count in found}


@EVERY_WRITER
async def test_concurrent_claims_by_one_writer_share_one_lease(bank, store):
    await bank.import_batch(tone_batch(50), filename="b.jsonl")
    claims = await asyncio.gather(*(bank.claim("w1") for _ in range(20)))
    assert {c.assignment.id for c in claims} == {claims[0].assignment.id}
    assert await active_per_writer(store) == {"w1": 1}


@EVERY_WRITER
async def test_300_writers_each_clicking_twice_hold_one_task_each(bank, store):
    await bank.import_batch(tone_batch(700), filename="b.jsonl")
    writers = [f"writer-{i}" for i in range(300)]
    order = [w for w in writers for _ in range(2)]
    random.Random(5).shuffle(order)
    claims = await asyncio.gather(*(bank.claim(w) for w in order))
    leases: dict[str, set[int]] = defaultdict(set)
    for writer, claimed in zip(order, claims, strict=True):
        assert claimed.assignment.writer_id == writer
        leases[writer].add(claimed.assignment.id)
    assert all(len(ids) == 1 for ids in leases.values())
    assert await active_per_writer(store) == dict.fromkeys(writers, 1)


@EVERY_WRITER
async def test_claiming_a_batch_again_and_again_hoards_nothing(bank, store):
    batch = await bank.import_batch(tone_batch(10), filename="b.jsonl")
    first = await bank.claim("w1", batch_id=batch.id)
    again = [await bank.claim("w1", batch_id=batch.id) for _ in range(5)]
    assert {c.assignment.id for c in again} == {first.assignment.id}
    assert await active_per_writer(store) == {"w1": 1}


@EVERY_WRITER
async def test_a_finished_lease_frees_the_writer_for_the_next(bank, store):
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    first = await bank.claim("w1")
    await bank.submit(first.assignment.id, "w1", TONE_ANSWER, "k1")
    second = await bank.claim("w1")
    assert second.assignment.id != first.assignment.id
    await bank.release(second.assignment.id, "w1")
    third = await bank.claim("w1")
    assert third.task.id not in (first.task.id, second.task.id)
    assert await active_per_writer(store) == {"w1": 1}


@EVERY_WRITER
async def test_a_lapsed_lease_does_not_block_a_new_claim(bank, store, clock):
    await bank.import_batch(tone_batch(3, lease_minutes=5), filename="b.jsonl")
    first = await bank.claim("w1")
    clock.advance(minutes=6)
    second = await bank.claim("w1")
    assert second.assignment.id != first.assignment.id
    assert (await bank.claimed(first.assignment.id)).assignment.state == "expired"
    assert await active_per_writer(store) == {"w1": 1}


async def test_a_higher_limit_allows_that_many_and_no_more(store, clock):
    bank = TaskBank(store, clock=clock, defaults=Defaults(max_active_per_writer=2))
    await bank.import_batch(tone_batch(20), filename="b.jsonl")
    claims = await asyncio.gather(*(bank.claim("w1") for _ in range(12)))
    assert len({c.assignment.id for c in claims}) == 2
    assert await active_per_writer(store) == {"w1": 2}
    more = await bank.claim("w1")
    assert more.assignment.id == min(c.assignment.id for c in claims)  # the oldest comes back


async def test_two_banks_on_separate_pools_share_one_lease_per_writer():
    schema = await postgres_schema()
    stores = [PostgresStore(POSTGRES_URL, schema=schema, min_size=4, max_size=8) for _ in range(2)]
    try:
        for opened in stores:
            await opened.open()
        banks = [TaskBank(s) for s in stores]
        await banks[0].import_batch(tone_batch(400), filename="b.jsonl")
        writers = [f"w{i}" for i in range(100)]
        claims = await asyncio.gather(
            *(bank.claim(w) for w in writers for bank in banks for _ in range(2))
        )
        by_writer: dict[str, set[int]] = defaultdict(set)
        for claimed in claims:
            by_writer[claimed.assignment.writer_id].add(claimed.assignment.id)
        assert all(len(ids) == 1 for ids in by_writer.values())
        assert await active_per_writer(stores[0]) == dict.fromkeys(writers, 1)
    finally:
        for opened in stores:
            await opened.close()
        await drop_schema(schema)


async def run_claim_processes(processes: int, writers: int, max_active: int):
    """Start the worker processes, let them claim at once, and return (store, writer → ids)."""
    schema = await postgres_schema()
    store = PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=2)
    await store.open()
    await TaskBank(store).import_batch(tone_batch(600), filename="b.jsonl")
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.pg_claim_worker",
            POSTGRES_URL,
            schema,
            str(writers),
            str(max_active),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        for _ in range(processes)
    ]
    for worker in workers:  # every process connected before any claims
        assert worker.stdout is not None
        assert (await asyncio.wait_for(worker.stdout.readline(), 60)).strip() == b"ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        await worker.stdin.drain()
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)
    assert all(w.returncode == 0 for w in workers)
    by_writer: dict[str, set[int]] = defaultdict(set)
    for out, _ in outputs:
        for line in out.decode().splitlines():
            if line != "done":
                writer, assignment = line.split()
                by_writer[writer].add(int(assignment))
    return store, schema, by_writer


async def test_claims_from_four_processes_at_once_end_with_one_lease_per_writer():
    store, schema, by_writer = await run_claim_processes(4, 75, 1)
    try:
        assert len(by_writer) == 75
        assert all(len(ids) == 1 for ids in by_writer.values())  # every claim got the same lease
        assert await active_per_writer(store) == {w: 1 for w in by_writer}
    finally:
        await store.close()
        await drop_schema(schema)


async def test_a_limit_of_two_holds_across_processes():
    store, schema, by_writer = await run_claim_processes(3, 50, 2)
    try:
        assert all(len(ids) <= 2 for ids in by_writer.values())
        assert await active_per_writer(store) == {w: 2 for w in by_writer}
    finally:
        await store.close()
        await drop_schema(schema)


bursts = st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=8), min_size=1, max_size=4)


async def play_bursts(folder: str, limit: int, steps: list[list[int]]) -> None:
    """Bursts of concurrent claims by writers w0..w3, each burst followed by one submit: after
    every burst each writer holds exactly min(limit, held before + claims made) live leases, and
    every claim returned one of them."""
    store = SqliteStore(f"{folder}/bursts.db")
    await store.open()
    try:
        bank = TaskBank(store, defaults=Defaults(max_active_per_writer=limit))
        await bank.import_batch(tone_batch(80, overlap=2), filename="b.jsonl")
        expected: dict[str, int] = defaultdict(int)
        for burst in steps:
            writers = [f"w{who}" for who in burst]
            claims = await asyncio.gather(*(bank.claim(writer) for writer in writers))
            for writer in set(writers):
                expected[writer] = min(limit, expected[writer] + writers.count(writer))
            assert await active_per_writer(store) == {w: n for w, n in expected.items() if n}
            live = {a.id for w in expected for a in await bank.active_assignments(w)}
            assert {c.assignment.id for c in claims} <= live
            first = claims[0].assignment
            await bank.submit(first.id, first.writer_id, TONE_ANSWER, f"k{first.id}")
            expected[first.writer_id] -= 1
    finally:
        await store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), bursts)
def test_any_bursts_of_concurrent_claims_never_pass_the_limit(limit, steps):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play_bursts(folder, limit, steps))


async def test_a_double_task_command_in_chat_shows_one_task_twice(bank, store):
    from bot.app import Taskbot
    from bot.events import Actor, CommandEvent, Place
    from bot.handlers.context import BotContext
    from bot.roles import Roles
    from tests.fake_chat import FakeChat

    batch = await bank.import_batch(tone_batch(10), filename="b.jsonl")
    chat = FakeChat()
    taskbot = Taskbot(BotContext(bank, chat, Roles(writers=("*",))))
    wendy, here = Actor("test", "wendy"), Place("general")
    await asyncio.gather(
        taskbot.handle(CommandEvent(wendy, here, "task", ())),
        taskbot.handle(CommandEvent(wendy, here, "task", ())),
        taskbot.handle(CommandEvent(wendy, here, "task", (str(batch.id),))),
    )
    await taskbot.handle(CommandEvent(wendy, here, "task", (str(batch.id),)))
    cards = [s.card for s in chat.sent if s.kind == "post"]
    assert len(cards) == 4
    assert len({c.refresh for c in cards}) == 1  # every card draws the same assignment
    assert await active_per_writer(store) == {"test:wendy": 1}
