"""Acknowledged work waits for a slot as a plain coroutine, in order, and a stop still waits for
it: `WorkInFlight.start` runs at most `slots` pieces at once, starts the next as each ends
(whether it returned or raised), and a drain ends only when the queue is empty too — or, with the
grace period over, closes what never started and says how much. While requests are being
answered the work gives way to them, for `ack_first` seconds at most."""

from __future__ import annotations

import asyncio
import inspect
import logging
import warnings
from collections.abc import Collection, Coroutine
from typing import Any

from bot.bootstrap import build_runtime
from bot.config import Config
from bot.inflight import WorkInFlight


class Pieces:
    """Pieces of work that each wait for their own gate, recording the order they ran in."""

    def __init__(self) -> None:
        self.gates: dict[int, asyncio.Event] = {}
        self.started: list[int] = []
        self.finished: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.first_started = asyncio.Event()

    async def piece(self, number: int, fail: bool = False) -> None:
        gate = self.gates.setdefault(number, asyncio.Event())
        self.started.append(number)
        self.first_started.set()
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await gate.wait()
            if fail:
                raise RuntimeError(f"piece {number} broke")
            self.finished.append(number)
        finally:
            self.running -= 1

    def open(self, *numbers: int) -> None:
        for number in numbers:
            self.gates.setdefault(number, asyncio.Event()).set()


async def turns(count: int = 5) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def request(
    work: WorkInFlight, asked: Coroutine[Any, Any, Any] | None, answered: asyncio.Event
) -> None:
    """A request's handler: inside `working` until `answered`, asking for `asked` after its ack."""
    with work.working():
        if asked is not None:
            work.start(asked)
        await answered.wait()


async def test_no_more_than_the_slots_run_and_the_rest_start_in_order_as_slots_free():
    # given two slots and five pieces of acknowledged work
    work = WorkInFlight("work", slots=2)
    pieces = Pieces()
    for number in range(5):
        work.start(pieces.piece(number))
    await turns()
    # then two run and three wait, untouched, as coroutines (no task for them yet)
    assert pieces.started == [0, 1]
    assert len(work.queued) == 3 and len(work.tasks) == 2
    # when the second ends, the third starts in its slot
    pieces.open(1)
    await turns()
    assert pieces.started == [0, 1, 2]
    assert len(work.queued) == 2 and len(work.tasks) == 2
    # and when every gate opens, the rest follow
    pieces.open(*range(5))
    await turns(20)
    # then everything ran, in the order asked, never more than two at once, and nothing is left
    assert pieces.started == [0, 1, 2, 3, 4]
    assert sorted(pieces.finished) == [0, 1, 2, 3, 4]
    assert pieces.most_at_once == 2
    assert not work.tasks and not work.queued


async def test_a_piece_that_raises_is_logged_and_frees_its_slot(caplog):
    work = WorkInFlight("Slack work", slots=1)
    pieces = Pieces()
    work.start(pieces.piece(0, fail=True))
    work.start(pieces.piece(1))
    pieces.open(0, 1)
    with caplog.at_level(logging.ERROR, logger="bot.inflight"):
        await turns(10)
    assert pieces.finished == [1]
    assert "Slack work failed after its acknowledgement" in caplog.text
    assert "piece 0 broke" in caplog.text


async def test_unslotted_work_starts_at_once_even_with_every_slot_taken():
    work = WorkInFlight("work", slots=1)
    pieces = Pieces()
    work.start(pieces.piece(0))
    work.start(pieces.piece(1))
    work.start(pieces.piece(2), slotted=False)
    await turns()
    assert pieces.started == [0, 2]
    assert len(work.queued) == 1
    pieces.open(0, 1, 2)
    await turns(10)
    assert sorted(pieces.finished) == [0, 1, 2]


async def test_a_drain_waits_for_the_work_still_queued(bank):
    # given a stop requested while one piece runs and three wait for the one slot
    runtime = build_runtime(Config(), bank)
    runtime.request_stop()
    work = WorkInFlight("work", slots=1)
    pieces = Pieces()
    for number in range(4):
        work.start(pieces.piece(number))
    draining = asyncio.ensure_future(work.drain(runtime.finish))
    await turns()
    assert not draining.done()
    # when each piece ends in turn, the drain still waiting before the last
    for number in range(4):
        assert not draining.done(), f"the drain returned with piece {number} yet to finish"
        pieces.open(number)
        await turns()
    # then the drain returns only after all four finished
    await asyncio.wait_for(draining, 10)
    assert pieces.finished == [0, 1, 2, 3]
    assert not work.queued


async def test_a_drain_whose_grace_ran_out_closes_what_never_started(caplog):
    # given a piece running and two waiting, and a grace period that is already over
    work = WorkInFlight("Slack work", slots=1)
    pieces = Pieces()
    asked = [pieces.piece(number) for number in range(3)]
    for piece in asked:
        work.start(piece)
    await turns()

    async def grace_over(_: Collection[asyncio.Task[Any]], __: str) -> int:
        return 1

    # when the drain gives up
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be a warning
        with caplog.at_level(logging.WARNING, logger="bot.inflight"):
            await asyncio.wait_for(work.drain(grace_over), 10)
    # then the two that never started are closed, and the log says how many
    assert not work.queued
    assert pieces.started == [0]
    assert "2 acknowledged pieces never started" in caplog.text
    assert [inspect.getcoroutinestate(piece) for piece in asked[1:]] == [inspect.CORO_CLOSED] * 2
    # and work asked after that is closed at once, not queued behind the end
    late = pieces.piece(9)
    with caplog.at_level(logging.WARNING, logger="bot.inflight"):
        work.start(late)
    assert inspect.getcoroutinestate(late) == inspect.CORO_CLOSED and not work.queued
    assert "asked after the stop's grace period ended" in caplog.text
    for task in work.tasks:
        task.cancel()
    await turns()


async def test_work_asked_while_a_request_is_answered_starts_when_the_answer_is_out():
    # given a request being answered (its handler inside `working`) that asks for work
    work = WorkInFlight("work", slots=4)
    pieces = Pieces()
    answered = asyncio.Event()
    handler = asyncio.ensure_future(request(work, pieces.piece(0), answered))
    await turns()
    # then the work waits, unstarted, while the answer is under way
    assert pieces.started == [] and len(work.queued) == 1
    # when the answer is out
    answered.set()
    await handler
    await turns()
    # then the work starts at once
    assert pieces.started == [0]
    pieces.open(0)
    await turns()
    assert pieces.finished == [0]


async def test_a_flood_of_requests_delays_the_work_by_ack_first_at_most():
    # given requests answered without pause, one of which asked for work
    work = WorkInFlight("work", slots=4, ack_first=0.05)
    pieces = Pieces()
    flooding = asyncio.Event()
    handlers = [
        asyncio.ensure_future(request(work, pieces.piece(0) if n == 0 else None, flooding))
        for n in range(3)
    ]
    loop = asyncio.get_running_loop()
    asked = loop.time()
    await turns()
    assert pieces.started == []
    # when the flood goes on past ack_first
    await asyncio.wait_for(pieces.first_started.wait(), 5)
    # then the work started anyway, about ack_first after it was asked, with requests still open
    assert pieces.started == [0]
    assert loop.time() - asked >= 0.05
    assert not flooding.is_set()
    flooding.set()
    pieces.open(0)
    await asyncio.gather(*handlers)
    await turns()
    assert pieces.finished == [0]


async def test_a_drain_starts_the_queued_work_without_waiting_for_the_answers(bank):
    runtime = build_runtime(Config(), bank)
    runtime.request_stop()
    work = WorkInFlight("work", slots=4, ack_first=60)
    pieces = Pieces()
    answered = asyncio.Event()
    handler = asyncio.ensure_future(request(work, pieces.piece(0), answered))
    await turns()
    assert pieces.started == []
    pieces.open(0)
    draining = asyncio.ensure_future(work.drain(runtime.finish))
    await turns()
    assert pieces.started == [0]  # not held back by the open request
    answered.set()
    await asyncio.wait_for(asyncio.gather(handler, draining), 10)
    assert pieces.finished == [0]


async def test_a_request_that_raises_or_is_cancelled_no_longer_holds_the_work_back():
    work = WorkInFlight("work", slots=4, ack_first=60)
    pieces = Pieces()
    release = asyncio.Event()

    async def failing() -> None:
        with work.working():
            work.start(pieces.piece(0))
            raise RuntimeError("the handler broke")

    async def hanging() -> None:
        with work.working():
            work.start(pieces.piece(1))
            await release.wait()

    cancelled = asyncio.ensure_future(hanging())
    await turns()
    broken = asyncio.ensure_future(failing())
    await turns()
    assert pieces.started == []  # the hanging request is still being answered
    cancelled.cancel()
    await turns()
    # then with neither request open, both pieces run (in the order asked)
    assert broken.done() and isinstance(broken.exception(), RuntimeError)
    assert pieces.started == [1, 0]
    pieces.open(0, 1)
    await turns()
