"""Writers near their edges: a write asked for while a writer stops is refused at once (never
queued where nothing runs or answers it), and a grouped store keeps all its flights busy when
more than one group's worth of calls arrives at once."""

from __future__ import annotations

import asyncio
import time

import pytest

from taskbank.store.postgres.grouped import Group
from taskbank.store.sqlite.auto_writer import AutoWriter
from taskbank.store.sqlite.connection import GroupCommitWriter
from taskbank.store.sqlite.writer_process import ProcessWriter


@pytest.mark.parametrize(
    "kind", [GroupCommitWriter, ProcessWriter, AutoWriter], ids=["thread", "process", "auto"]
)
async def test_a_write_asked_for_while_the_writer_stops_is_refused_not_left_waiting(tmp_path, kind):
    # given a writer with a slow write in flight, and a stop waiting for it
    writer = kind(tmp_path / "stop.db", "normal")
    await writer.start()
    await writer.run(lambda connection: connection.execute("CREATE TABLE t (x)"))
    slow = asyncio.ensure_future(writer.run(lambda connection: time.sleep(0.3)))
    await asyncio.sleep(0.05)
    stopping = asyncio.ensure_future(writer.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()
    # when a write is asked for meanwhile
    late = asyncio.ensure_future(
        writer.run(lambda connection: connection.execute("INSERT INTO t VALUES (1)"))
    )
    # then it is refused at once, and the write in flight still finishes
    with pytest.raises(RuntimeError, match="not open"):
        await asyncio.wait_for(late, 5)
    await asyncio.wait_for(stopping, 30)
    await slow
    # and a second stop returns too
    await asyncio.wait_for(writer.stop(), 5)


async def test_calls_beyond_one_group_start_a_second_flight_at_once():
    running = peak = 0
    release = asyncio.Event()

    async def together(items: list[int]) -> list[int]:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1
        return items

    async def alone(item: int) -> int:
        return (await together([item]))[0]

    group: Group[int, int] = Group(together, alone, most=50, flights=2)
    calls = asyncio.gather(*(group(number) for number in range(100)))  # one turn of the loop
    for _ in range(20):
        await asyncio.sleep(0)
    assert peak == 2  # both flights took a group of 50 at once, not one after the other
    release.set()
    assert await asyncio.wait_for(calls, 5) == list(range(100))
