"""The SQLite writer that picks, turn by turn, between the writer thread and the writer process.

A write on its own is answered soonest by the writer thread: no trip to another process (about
0.1 ms less per write on the 2-core machines measured). Many at once go faster through the writer
process, whose SQL runs beside the event loop instead of taking turns with it for the GIL
(writer_process.py). `AutoWriter` keeps both, each with its own connection to the file, and gives
the writes asked in one turn of the event loop to one of them: the process once `UP` or more
writes are waiting (counting those already queued or running), the thread when `DOWN` or fewer
are, and otherwise whichever is in use.

The two never have writes in flight at the same time, so only one connection ever holds a write
transaction and nothing waits on SQLite's lock (busy_timeout stays as a safety net). To change
sides, new writes wait until the side in use has answered everything it holds; they then go to
the other side in the order they were asked. While the process is in use, each write goes
straight to it, so it can start on a piece while the loop makes the next; at the end of each turn
a check sends the writes back to the thread once few wait. If the writer process
dies, the writes it held fail as they do with `writer = "process"`, and the thread takes every
write after them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TypeVar

from taskbank.store.sqlite.connection import GroupCommitWriter, Operation, Synchronous, _settle_one
from taskbank.store.sqlite.writer_process import ProcessWriter

T = TypeVar("T")
UP = 8  # writes waiting from which the writer process takes them
DOWN = 2  # writes waiting at or below which the writer thread does

Side = GroupCommitWriter | ProcessWriter
_Asked = tuple[Operation[Any], bool, "asyncio.Future[Any]"]


class AutoWriter:
    """GroupCommitWriter's interface over a writer thread and a writer process (see above)."""

    def __init__(self, path: Path, synchronous: Synchronous, max_group: int = 256) -> None:
        self._thread = GroupCommitWriter(path, synchronous, max_group)
        self._process = ProcessWriter(path, synchronous, max_group)
        self._side: Side = self._thread
        self._loop: asyncio.AbstractEventLoop | None = None
        self._batch: list[_Asked] = []  # asked this turn, not yet given to a side
        self._held: list[_Asked] = []  # waiting for the side in use to finish, to change sides
        self._switched: asyncio.Future[None] | None = None  # set when the held ones are given
        self._wanted_side: Side = self._thread  # where the held ones go
        self._checking = False  # a check at the end of this turn is due
        self._stopping: asyncio.Future[None] | None = None  # set once stop() is called
        self.migrations_applied: list[int] = []
        self.switches = 0  # how many times the side changed
        self.waits = 0  # how often writes waited for the side in use to answer, to change sides

    @property
    def transactions(self) -> int:
        return self._thread.transactions + self._process.transactions

    @property
    def operations(self) -> int:
        return self._thread.operations + self._process.operations

    @property
    def cpu_seconds(self) -> float:
        return self._thread.cpu_seconds + self._process.cpu_seconds

    async def start(self) -> None:
        """Start the thread (which migrates the file), then the process."""
        self._loop = asyncio.get_running_loop()
        await self._thread.start()
        self.migrations_applied = self._thread.migrations_applied
        try:
            await self._process.start()
        except BaseException:
            await self._thread.stop()
            raise
        self._thread.on_answered = self._process.on_answered = self._answered

    async def stop(self) -> None:
        """Finish every write asked (held ones included), then stop both sides."""
        if self._loop is None:
            return
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        self._hand_over()
        if self._switched is not None:
            await asyncio.shield(self._switched)
        try:
            await self._thread.stop()
        finally:
            await self._process.stop()

    async def run(self, operation: Operation[T], *, savepoint: bool = True) -> T:
        """Run one operation in the next group of the side chosen; returns once its transaction
        has committed (see GroupCommitWriter.run)."""
        if self._loop is None or self._stopping is not None:
            raise RuntimeError("the store is not open")
        future: asyncio.Future[T] = self._loop.create_future()
        process = self._process
        if self._side is process and self._switched is None and not process.stopped:
            # Straight to the process, which starts on a piece while the loop makes the next;
            # at the end of the turn, whether the load still calls for it.
            if not self._checking:
                self._checking = True
                self._loop.call_soon(self._check_process)
            _queue_on(process, operation, savepoint, future)
        else:
            if not self._batch:
                self._loop.call_soon(self._hand_over)
            self._batch.append((operation, savepoint, future))
        return await future

    def _check_process(self) -> None:
        """End of a turn with the process in use: back to the thread once few writes wait."""
        self._checking = False
        if self._side is self._process and self._switched is None:
            if self._process.stopped or self._process.pending() <= DOWN:
                self._change_to(self._thread, [])

    def side_in_use(self) -> str:
        """ "thread" or "process": where the next writes go unless the load changes."""
        return "process" if self._side is self._process else "thread"

    def _hand_over(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self._switched is not None:
            self._held += batch
            return
        if self._side is self._process:
            # `run` gives the process its writes straight away, unless a change of sides is
            # waiting (`_answered` then takes these) or the process has died: to the thread.
            self._change_to(self._thread, batch)
        elif self._process.stopped or len(batch) + self._thread.pending() < UP:
            _give(self._thread, batch)
        else:
            self._change_to(self._process, batch)

    def _change_to(self, side: Side, batch: list[_Asked]) -> None:
        """Give `batch`, and every write after it, to `side`: now if the side in use holds
        nothing, else once it has answered all it holds."""
        if self._side.pending():
            assert self._loop is not None
            self._held, self._switched = batch, self._loop.create_future()
            self._wanted_side = side
            self.waits += 1
            return
        self._side = side
        self.switches += 1
        _give(side, batch)

    def _answered(self) -> None:
        """A side has answered a group: if writes wait to change sides and the side in use now
        holds nothing, they go to the other."""
        if self._switched is None or self._side.pending():
            return
        wanted = self._wanted_side
        if wanted is self._process and self._process.stopped:
            wanted = self._thread  # the child died while these waited for it: none was sent
        if wanted is not self._side:
            self._side = wanted
            self.switches += 1
        # With what was asked this turn after them (its hand-over then finds nothing): a write
        # asked from here on goes straight to the process, and must not run before these.
        held, self._held, self._batch = self._held + self._batch, [], []
        switched, self._switched = self._switched, None
        _give(self._side, held)
        switched.set_result(None)


def _queue_on(
    side: Side, operation: Operation[Any], savepoint: bool, future: asyncio.Future[Any]
) -> None:
    """Queue one write on `side`; a refusal is its own caller's error."""
    try:
        side.enqueue(operation, savepoint, future)
    except Exception as error:
        _settle_one(future, None, error)


def _give(side: Side, asked: list[_Asked]) -> None:
    """Queue each write on `side` in order, and hand them over now: the loop's turn is over."""
    for operation, savepoint, future in asked:
        _queue_on(side, operation, savepoint, future)
    side.flush()
