"""The auto writer (`[database] writer = "auto"`): a lone write runs on the writer thread and a
crowd on the writer process; the two never hold writes at the same time; writes that wait for
it to change sides keep their order and all commit, a stop included; and when the writer process
dies the thread takes the writes after it."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import threading
import time

import pytest

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.auto_writer import UP, AutoWriter
from taskbank.store.sqlite.wire import RemoteCall
from taskbank.store.sqlite.writer_process import ProcessWriter, WriterStopped
from tests.batches import TONE_ANSWER, tone_batch
from tests.writer_faults.remote_helpers import record_job


@pytest.fixture
async def auto(tmp_path):
    store = SqliteStore(tmp_path / "auto.db", writer="auto")
    await store.open()
    try:
        yield store
    finally:
        await store.close()


def writer_of(store: SqliteStore) -> AutoWriter:
    writer = store.runner.writer
    assert isinstance(writer, AutoWriter)
    return writer


def watch(writer: AutoWriter) -> tuple[dict[str, int], list[str]]:
    """Count the writes each side is given, and note every time a side is given writes while
    the other still holds some."""
    given, overlaps = {"thread": 0, "process": 0}, []
    thread, process = writer._thread, writer._process
    to_thread_queue, to_process_queue = thread.enqueue, process.enqueue

    def to_thread(operation, savepoint, future):
        if process.pending():
            overlaps.append(f"thread given a write with {process.pending()} on the process")
        given["thread"] += 1
        to_thread_queue(operation, savepoint, future)

    def to_process(operation, savepoint, future):
        if thread.pending():
            overlaps.append(f"process given a write with {thread.pending()} on the thread")
        given["process"] += 1
        to_process_queue(operation, savepoint, future)

    thread.enqueue, process.enqueue = to_thread, to_process  # type: ignore[method-assign]
    return given, overlaps


async def answer_one(bank: TaskBank, who: str) -> int:
    claimed = await bank.claim(who)
    done = await bank.submit(claimed.assignment.id, who, TONE_ANSWER, f"{who}-{claimed.task.id}")
    return done.submission.id


def blocked_until(started: threading.Event, release: threading.Event):
    def operation(connection: sqlite3.Connection) -> None:
        started.set()
        release.wait()

    return operation


async def hold_thread(store: SqliteStore) -> tuple[asyncio.Task, threading.Event]:
    """Occupy the writer thread (the side in use) until the returned event is set."""
    started, release = threading.Event(), threading.Event()
    gate = asyncio.create_task(store.runner.run(blocked_until(started, release)))
    await asyncio.to_thread(started.wait)
    return gate, release


def jobs_at_once(store: SqliteStore) -> list[asyncio.Future[int]]:
    """Twice `UP` remote calls asked in one turn, each storing a post and answering its place."""
    return [
        asyncio.ensure_future(store.runner.run(RemoteCall(record_job, (f"c{n}",))))
        for n in range(UP * 2)
    ]


async def kill_child(writer: AutoWriter) -> None:
    """Kill the writer process (SIGKILL) and wait until the writer has seen it go."""
    process = writer._process._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    await asyncio.to_thread(process.wait)
    for _ in range(100):  # its socket closing is seen on a later turn of the loop
        if writer._process.stopped:
            return
        await asyncio.sleep(0.01)


async def posts(store: SqliteStore) -> int:
    return (await store.runner.fetch_one("SELECT count(*) AS n FROM posts"))["n"]


async def test_a_lone_write_runs_on_the_thread_and_a_crowd_on_the_process(auto):
    # given a bank on the auto writer
    writer = writer_of(auto)
    bank = TaskBank(auto, clock=ManualClock())
    await bank.import_batch(tone_batch(300, overlap=3), filename="b.jsonl")
    given, overlaps = watch(writer)
    # when one writer answers alone, then 50 at once, then one alone again
    await answer_one(bank, "alone")
    alone = dict(given)
    crowd = await asyncio.gather(*(answer_one(bank, f"w{n}") for n in range(50)))
    during = dict(given)
    later = [await answer_one(bank, "later") for _ in range(3)]
    # then the lone writes ran on the thread, the crowd's mostly on the process, the last ones
    # on the thread again, never both at once, and every answer is stored
    assert alone == {"thread": 2, "process": 0}
    assert during["process"] - alone["process"] > 50
    assert given["thread"] - during["thread"] >= 2 and writer.side_in_use() == "thread"
    assert overlaps == []
    stored = {row["id"] for row in await auto.runner.fetch("SELECT id FROM submissions")}
    assert set(crowd) | set(later) <= stored and len(stored) == 54


async def test_the_two_sides_never_hold_writes_at_once_under_a_changing_load(auto):
    # given a bank on the auto writer, watched
    writer = writer_of(auto)
    bank = TaskBank(auto, clock=ManualClock())
    await bank.import_batch(tone_batch(400, overlap=3), filename="b.jsonl")
    given, overlaps = watch(writer)
    rng = random.Random(3)
    acknowledged: list[int] = []

    async def person(name: str, pairs: int) -> None:
        for _ in range(pairs):
            acknowledged.append(await answer_one(bank, name))
            await asyncio.sleep(rng.random() / 500)

    async def closures(count: int) -> None:  # writes that are not remote calls
        for n in range(count):
            await auto.runner.run(lambda connection, n=n: record_job(connection, f"c{n}"))
            await asyncio.sleep(rng.random() / 200)

    # when crowds come and go, with closures and lone writers between them
    for wave, size in enumerate((40, 1, 25, 3, 60, 1)):
        await asyncio.gather(*(person(f"p{wave}-{n}", 2) for n in range(size)), closures(4))
    # then both sides were used, the side changed while the one in use still held writes, never
    # did the two hold writes at once, and every acknowledged answer is stored
    assert given["thread"] > 0 and given["process"] > 0 and writer.switches >= 4
    assert writer.waits >= 1
    assert overlaps == []
    stored = {row["id"] for row in await auto.runner.fetch("SELECT id FROM submissions")}
    assert set(acknowledged) <= stored and len(stored) == len(acknowledged)
    assert await posts(auto) == 24


async def test_writes_waiting_to_change_sides_keep_their_order_and_all_commit(auto):
    # given the thread busy with a write
    writer = writer_of(auto)
    _, overlaps = watch(writer)
    gate, release = await hold_thread(auto)
    # when a crowd of remote calls asks to write meanwhile
    calls = jobs_at_once(auto)
    await asyncio.sleep(0.1)
    # then they wait (nothing is written beside the thread's open write), and once it ends they
    # run on the process in the order asked, and all commit
    assert not any(call.done() for call in calls) and await posts(auto) == 0
    assert writer._process.pending() == 0 and writer.waits == 1
    release.set()
    await gate
    assert await asyncio.gather(*calls) == list(range(UP * 2))
    assert writer.side_in_use() == "process" and writer._process.operations >= UP * 2
    assert overlaps == []


async def test_a_write_asked_as_a_change_of_sides_ends_runs_after_those_asked_before_it(auto):
    # given a crowd waiting for the thread to finish a write, to change to the process
    writer = writer_of(auto)
    gate, release = await hold_thread(auto)
    crowd = jobs_at_once(auto)
    await asyncio.sleep(0.05)
    assert writer.waits == 1
    # when one write is asked while they wait, the thread answers, and another is asked after
    first = asyncio.ensure_future(auto.runner.run(RemoteCall(record_job, ("first",))))
    release.set()
    # Holding the loop: the thread's answer is queued between the two.
    time.sleep(0.3)  # noqa: ASYNC251
    second = asyncio.ensure_future(auto.runner.run(RemoteCall(record_job, ("second",))))
    await gate
    await asyncio.gather(*crowd)
    # then the first runs before the second
    assert await first < await second


async def test_a_stop_finishes_the_writes_waiting_to_change_sides(tmp_path):
    # given the auto writer's thread busy and a crowd waiting to change sides
    store = SqliteStore(tmp_path / "stop.db", writer="auto")
    await store.open()
    gate, release = await hold_thread(store)
    calls = jobs_at_once(store)
    await asyncio.sleep(0.05)
    # when the store stops while they wait, and the thread's write then ends
    stopping = asyncio.ensure_future(store.close())
    await asyncio.sleep(0.05)
    assert not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, 30)
    await gate
    # then every waiting write committed before the stop ended
    assert sorted(await asyncio.gather(*calls)) == list(range(UP * 2))
    reopened = SqliteStore(tmp_path / "stop.db")
    await reopened.open()
    try:
        assert await posts(reopened) == UP * 2
    finally:
        await reopened.close()


async def onto_the_process(auto: SqliteStore) -> AutoWriter:
    """The auto writer moved onto its process by one turn's crowd of remote calls (a crowd of
    claims and submits may end with a straggler or two, which go back to the thread)."""
    writer = writer_of(auto)
    gate, release = await hold_thread(auto)
    crowd = jobs_at_once(auto)
    await asyncio.sleep(0.05)
    release.set()
    await gate
    await asyncio.gather(*crowd)
    assert writer.side_in_use() == "process"
    return writer


async def test_when_the_writer_process_dies_the_thread_takes_the_writes_after_it(auto):
    # given the auto writer on its process, after a crowd asked in one turn (a crowd of
    # claims and submits may end with a straggler or two, which go back to the thread)
    bank = TaskBank(auto, clock=ManualClock())
    await bank.import_batch(tone_batch(100, overlap=2), filename="b.jsonl")
    writer = await onto_the_process(auto)
    # when the writer process is killed
    await kill_child(writer)
    # then the writes after it run on the thread, alone or in a crowd, and are stored
    after = [await answer_one(bank, "after")]
    after += await asyncio.gather(*(answer_one(bank, f"v{n}") for n in range(UP * 2)))
    assert writer.side_in_use() == "thread"
    stored = {row["id"] for row in await auto.runner.fetch("SELECT id FROM submissions")}
    assert set(after) <= stored


async def test_writes_waiting_for_the_process_when_it_dies_run_on_the_thread(auto):
    # given a crowd waiting for the thread to finish a write, to change to the process
    writer = writer_of(auto)
    gate, release = await hold_thread(auto)
    crowd = jobs_at_once(auto)
    await asyncio.sleep(0.05)
    # when the writer process dies before they get there
    await kill_child(writer)
    release.set()
    await gate
    # then the thread runs them all (none had been sent to the process)
    assert sorted(await asyncio.gather(*crowd)) == list(range(UP * 2))
    assert writer.side_in_use() == "thread"


async def test_a_write_reaching_the_process_as_it_dies_does_not_stall_the_writes_after_it(auto):
    # given the auto writer on its process
    writer = await onto_the_process(auto)
    # when the child dies, and a write is asked in the turn in which the loop learns of it
    process = writer._process._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()  # holding the loop: its end of the socket is read on the next turn

    async def write_after_a_turn() -> int:
        await asyncio.sleep(0)
        return await auto.runner.run(RemoteCall(record_job, ("x",)))

    first = asyncio.ensure_future(write_after_a_turn())
    (outcome,) = await asyncio.gather(first, return_exceptions=True)
    assert isinstance(outcome, WriterStopped)
    # then the writes after it run on the thread, and the store still closes
    assert await asyncio.wait_for(auto.runner.run(RemoteCall(record_job, ("y",))), 10) >= 0
    assert writer.side_in_use() == "thread"
    await asyncio.wait_for(auto.close(), 30)


async def test_writes_the_dead_process_never_sent_are_refused_and_announced(tmp_path):
    # given a writer process whose child has died, and a write queued before the loop saw it
    writer = ProcessWriter(tmp_path / "p.db", "normal")
    await writer.start()
    process = writer._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    await asyncio.to_thread(process.wait)
    for _ in range(100):
        if writer.stopped:
            break
        await asyncio.sleep(0.01)
    answered: list[int] = []
    writer.on_answered = lambda: answered.append(writer.pending())
    future = asyncio.get_running_loop().create_future()
    writer._batch.append((RemoteCall(record_job, ("x",)), False, future))
    # when it is handed over
    writer._hand_over()
    # then it is refused, and whoever waits for the process to hold nothing hears so (the auto
    # writer's change of sides would otherwise wait for ever)
    with pytest.raises(WriterStopped):
        await future
    assert answered == [0]
    await writer.stop()
