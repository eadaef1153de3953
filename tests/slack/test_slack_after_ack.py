"""The work after an ack takes its turn after the acks (adapters/slack/afterack.py), never starves,
and every command is still answered through the one command listener."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.afterack import AcksFirst
from tests.batches import tone_batch
from tests.slack.conftest import WRITER

HOUR = 3600.0


async def started_in_order(lane: AcksFirst, count: int, log: list[int], gate: asyncio.Event):
    async def work(n: int) -> None:
        async with lane.slot():
            log.append(n)
            await gate.wait()

    tasks = [asyncio.create_task(work(n)) for n in range(count)]
    await asyncio.sleep(0)
    return tasks


async def test_work_starts_at_once_when_no_request_is_being_answered():
    lane = AcksFirst(limit=4)
    async with lane.slot():
        assert lane.running == 1
    assert lane.running == 0


async def test_at_most_limit_pieces_run_at_once_oldest_first():
    lane = AcksFirst(limit=2, quiet=0.0)
    log: list[int] = []
    gate = asyncio.Event()
    tasks = await started_in_order(lane, 5, log, gate)
    await asyncio.sleep(0.05)
    assert log == [0, 1] and lane.running == 2 and lane.waiting == 3
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert log == [0, 1, 2, 3, 4] and lane.running == 0


async def test_work_waits_while_requests_keep_arriving_and_starts_once_they_stop():
    # Given one request after another, far apart from the trickle's next turn
    lane = AcksFirst(limit=4, quiet=1.0, trickle=HOUR, busy_limit=1)
    lane.request_arrived()
    log: list[int] = []
    gate = asyncio.Event()
    gate.set()
    first, second = await started_in_order(lane, 2, log, gate)
    await asyncio.wait_for(first, 10)  # the trickle's one turn
    for _ in range(30):  # requests keep arriving
        lane.request_arrived()
        await asyncio.sleep(0.01)
    # Then the second piece has waited
    assert log == [0] and lane.waiting == 1
    # When the requests stop, it starts
    await asyncio.wait_for(second, 10)
    assert log == [0, 1]


async def test_while_requests_never_pause_waiting_work_still_trickles():
    lane = AcksFirst(limit=4, quiet=HOUR, trickle=0.01, busy_limit=1)
    lane.request_arrived()  # and the loop is never quiet for an hour
    log: list[int] = []
    gate = asyncio.Event()
    gate.set()
    tasks = await started_in_order(lane, 5, log, gate)
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert log == [0, 1, 2, 3, 4]


async def test_work_cancelled_before_its_turn_frees_its_place():
    lane = AcksFirst(limit=1, quiet=0.0)
    log: list[int] = []
    gate = asyncio.Event()
    running, cancelled, after = await started_in_order(lane, 3, log, gate)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    gate.set()
    await asyncio.wait_for(asyncio.gather(running, after), 10)
    assert log == [0, 2] and lane.running == 0 and lane.waiting == 0


async def test_an_unknown_command_gets_a_clear_answer_from_the_one_command_listener(workspace):
    status, text = await workspace.command(WRITER, "/nosuch")
    assert status == 200
    assert "does not answer /nosuch" in text and "/task" in text


async def test_every_command_of_a_burst_is_acknowledged_and_gets_its_card(workspace):
    # Given tasks for thirty writers who all ask at once
    await workspace.bank.import_batch(tone_batch(30), filename="tone.jsonl")
    writers = [f"U0BURST{n:02d}" for n in range(30)]
    answers = await asyncio.gather(*(workspace.command(user, "/task") for user in writers))
    # Then each was acknowledged, and each writer's card follows the acks
    assert [status for status, _ in answers] == [200] * 30
    for user in writers:
        await workspace.new_card(user, 0)
