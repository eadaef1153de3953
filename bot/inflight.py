"""Work in flight: what a chat adapter has acknowledged and not yet finished, so a stop waits for it.

Every adapter counts its handlers here and drains the same way on SIGTERM: new work is turned
away (each platform says so its own way), and the runtime's bounded wait lets the rest finish.

Work started after an ack (`start`) runs at most `slots` pieces at a time; the rest waits as plain
coroutines in a queue, in arrival order, and becomes a task only when a slot frees. Under a flood
of commands a task per request parked on a semaphore cost the acks about a tenth of their
throughput (benchmarks/slack_ack.py), for work that could not have run any sooner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)

Finish = Callable[[Collection[asyncio.Task[Any]], str], Awaitable[int]]


class WorkInFlight:
    """The tasks handling acknowledged work, and whether the process is stopping."""

    def __init__(self, label: str, slots: int = 64) -> None:
        self.label = label
        self.slots = slots
        self.tasks: set[asyncio.Task[Any]] = set()
        self.draining = False
        self._running = 0  # tasks started by `start` that have not ended
        # Acknowledged work waiting for a slot: never empty while no started task is running.
        self.queued: deque[Coroutine[Any, Any, Any]] = deque()

    def start(self, work: Coroutine[Any, Any, Any], *, slotted: bool = True) -> None:
        """Run acknowledged work as a task of its own, counted in flight from now on: at once
        when a slot is free (or `slotted=False`), else once one frees, in the order asked."""
        if slotted and self._running >= self.slots:
            self.queued.append(work)
            return
        self._launch(work, slotted)

    def _launch(self, work: Coroutine[Any, Any, Any], slotted: bool) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        if slotted:
            self._running += 1
        task.add_done_callback(self._slot_freed if slotted else self._ended)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # The pipeline apologises for what a handler raises; this is what failed outside it.
            log.error("%s failed after its acknowledgement", self.label, exc_info=error)

    def _slot_freed(self, task: asyncio.Task[Any]) -> None:
        self._running -= 1
        if self.queued:
            self._launch(self.queued.popleft(), True)  # before the ended task leaves the set
        self._ended(task)

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Count the current task as work in flight until the block ends."""
        task = asyncio.current_task()
        assert task is not None
        counted = task not in self.tasks  # an enclosing block of the same task counts it
        self.tasks.add(task)
        try:
            yield
        finally:
            if counted:
                self.tasks.discard(task)

    async def drain(self, finish: Finish) -> None:
        """Take no new work, and wait through `finish` (the runtime's bounded wait) until the
        work already in flight has ended."""
        self.draining = True
        # A task that has ended stays in the set until its done-callback runs, on a later turn of
        # the loop; waiting on such tasks alone would return at once without yielding, and this
        # loop would spin before that callback could ever run. So only unfinished ones count.
        while True:
            if unfinished := self.unfinished():
                if await finish(unfinished, self.label):
                    self._drop_queued()
                    return  # the grace period is over
            elif self.queued:
                await asyncio.sleep(0)  # the ended slots' callbacks start what waits
            else:
                return

    def _drop_queued(self) -> None:
        if self.queued:
            log.warning(
                "%s: %d acknowledged pieces never started: the stop's grace period ended first",
                self.label,
                len(self.queued),
            )
        while self.queued:
            self.queued.popleft().close()

    def unfinished(self) -> set[asyncio.Task[Any]]:
        """The tasks in flight that have not ended yet."""
        return {task for task in self.tasks if not task.done()}
