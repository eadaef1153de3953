"""A stop's drain waits for work in flight and always ends: a task that has ended but whose
done-callback has not yet run (so it is still in the set) is finished work, not a reason to wait.
And a chat that fails stops the others the same way, their acknowledged work finished first.

Found by the end-to-end stop test under load: when the last pieces ended in the same turn of the
loop as the drain woke, the drain spun on the loop's thread forever (no callback could run to
empty the set, and the grace timer could not fire either)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any

import pytest

from bot.bootstrap import build_runtime
from bot.config import Config
from bot.inflight import WorkInFlight


class CountedFinish:
    """The runtime's real bounded wait, refusing to be called without end: a drain that loops
    without yielding would otherwise hang the test instead of failing it."""

    def __init__(self, finish: Any, limit: int = 100) -> None:
        self.finish = finish
        self.limit = limit
        self.calls = 0

    async def __call__(self, work: Collection[asyncio.Task[Any]], what: str) -> int:
        self.calls += 1
        assert self.calls <= self.limit, f"the drain called finish {self.calls} times: a spin"
        return await self.finish(work, what)


async def ended() -> None:
    return None


async def test_a_task_that_ended_but_is_still_listed_does_not_keep_the_drain_waiting(bank):
    runtime = build_runtime(Config(), bank)
    runtime.request_stop()
    work = WorkInFlight("work")
    done = asyncio.get_running_loop().create_task(ended())
    await done
    work.tasks.add(done)  # as between its end and its done-callback's turn
    finish = CountedFinish(runtime.finish)
    await asyncio.wait_for(work.drain(finish), 10)
    assert work.draining
    assert finish.calls == 0  # nothing unfinished: nothing to wait for


async def test_a_piece_ending_just_after_the_drain_wakes_does_not_make_it_spin(bank):
    # given a piece in flight, discarded by its done-callback (as the adapters do), and a stop
    runtime = build_runtime(Config(), bank)
    runtime.request_stop()
    work = WorkInFlight("work")
    loop = asyncio.get_running_loop()
    gate = asyncio.Event()

    def in_flight(piece: asyncio.Task[Any]) -> asyncio.Task[Any]:
        work.tasks.add(piece)
        piece.add_done_callback(work.tasks.discard)
        return piece

    first = in_flight(loop.create_task(gate.wait()))
    finish = CountedFinish(runtime.finish)
    draining = loop.create_task(work.drain(finish))
    await asyncio.sleep(0)  # the drain waits on the first piece
    # and a second piece, taken during the drain, that ends when the first does, after the
    # drain's own wake-up was queued (so its done-callback runs after the drain resumes)
    second = in_flight(loop.create_task(asyncio.wait({first})))
    await asyncio.sleep(0)
    # when the first piece ends
    gate.set()
    # then the drain returns, having waited, not spun
    await asyncio.wait_for(draining, 10)
    assert first.done() and second.done()
    assert finish.calls <= 2


async def test_one_chat_failing_stops_the_others_and_their_work_finishes_first(bank):
    # given two chats served side by side, one with acknowledged work in flight
    runtime = build_runtime(Config(), bank)
    runtime.settle_heap = lambda: 0  # type: ignore[method-assign]  # (not the point here)
    work = WorkInFlight("steady chat's work")
    finished: list[str] = []

    async def acknowledged() -> None:
        await asyncio.sleep(0.3)
        finished.append("the acknowledged work")

    async def steady(rt: Any) -> None:
        piece = asyncio.get_running_loop().create_task(acknowledged())
        work.tasks.add(piece)
        piece.add_done_callback(work.tasks.discard)
        await rt.until_stop_requested()
        await work.drain(rt.finish)
        finished.append("drained")

    async def failing(_: Any) -> None:
        await asyncio.sleep(0.05)
        raise ConnectionError("lost its connection")

    # when one of them fails
    # then the failure still ends serving, but only after the other chat stopped and drained
    with pytest.raises(ConnectionError, match="lost its connection"):
        await asyncio.wait_for(runtime.serve([steady, failing]), 10)
    assert runtime.stopping.is_set()
    assert finished == ["the acknowledged work", "drained"]


async def test_a_chat_failing_during_a_stop_leaves_the_others_their_grace(bank):
    # given two chats stopping on a signal, one still finishing acknowledged work
    runtime = build_runtime(Config(), bank)
    runtime.settle_heap = lambda: 0  # type: ignore[method-assign]
    finished: list[str] = []

    async def steady(rt: Any) -> None:
        await rt.until_stop_requested()
        await asyncio.sleep(0.3)  # its acknowledged work, well within the grace period
        finished.append("steady" if not rt._hurry.is_set() else "hurried")

    async def failing_while_stopping(rt: Any) -> None:
        await rt.until_stop_requested()
        raise ConnectionError("closed badly")

    serving = asyncio.ensure_future(runtime.serve([steady, failing_while_stopping]))
    await asyncio.sleep(0.05)
    runtime.request_stop()
    # when the other fails during the stop, then the first still gets its whole grace period
    with pytest.raises(ConnectionError):
        await asyncio.wait_for(serving, 10)
    assert finished == ["steady"]


async def test_a_chat_that_cannot_see_the_stop_is_cut_off_after_the_grace_period(bank):
    config = Config.model_validate({"chat": {"shutdown_grace_seconds": 0.2}})
    runtime = build_runtime(config, bank)
    runtime.settle_heap = lambda: 0  # type: ignore[method-assign]
    cut_off: list[str] = []

    async def stuck_connecting(_: Any) -> None:
        try:
            await asyncio.Event().wait()  # never looks at the stop
        except asyncio.CancelledError:
            cut_off.append("cut off")
            raise

    async def failing(_: Any) -> None:
        await asyncio.sleep(0.05)
        raise ConnectionError("lost its connection")

    with pytest.raises(ConnectionError):
        await asyncio.wait_for(runtime.serve([stuck_connecting, failing]), 10)
    assert cut_off == ["cut off"]
