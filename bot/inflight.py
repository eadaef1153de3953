"""Work in flight: what a chat adapter has acknowledged and not yet finished, so a stop waits for it.

Every adapter counts its handlers here and drains the same way on SIGTERM: new work is turned
away (each platform says so its own way), and the runtime's bounded wait lets the rest finish.

Work started after an ack (`start`) runs at most `slots` pieces at a time, and gives way to the
acks: while a request is being answered, what is asked waits — as a plain coroutine in a queue,
in arrival order, with no task yet — and starts when no request is in progress, or once it has
waited `ack_first` seconds (a flood of requests delays the work that far, never longer). Slack
shows the person an error for a command it has not seen acknowledged in 3 seconds, while the
card that follows may come a moment later; a stop's drain starts everything queued at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)

ACK_FIRST_SECONDS = 1.0  # the longest acknowledged work waits while requests are being answered

Finish = Callable[[Collection[asyncio.Task[Any]], str], Awaitable[int]]


class WorkInFlight:
    """The tasks handling acknowledged work, and whether the process is stopping."""

    def __init__(self, label: str, slots: int = 64, ack_first: float = ACK_FIRST_SECONDS) -> None:
        self.label = label
        self.slots = slots
        self.ack_first = ack_first
        self.tasks: set[asyncio.Task[Any]] = set()
        self.draining = False
        self._answering = 0  # `working` blocks open: requests being answered
        self._running = 0  # tasks started by `start` that have not ended
        # Acknowledged work not started yet, with when it was asked (the loop's clock).
        self.queued: deque[tuple[float, Coroutine[Any, Any, Any]]] = deque()
        self._reminder: asyncio.TimerHandle | None = None
        self._gave_up = False  # a drain's grace period ended

    def start(self, work: Coroutine[Any, Any, Any], *, slotted: bool = True) -> None:
        """Run acknowledged work as a task of its own, counted in flight from then on: with
        `slotted=False` at once, else in a free slot once no request is being answered (or it
        has waited `ack_first` seconds), in the order asked."""
        if self._gave_up:  # the stop's grace period is over: nothing new can finish now
            work.close()
            log.warning("%s asked after the stop's grace period ended: not started", self.label)
            return
        if not slotted:
            self._launch(work, slotted=False)
            return
        self.queued.append((asyncio.get_running_loop().time(), work))
        self._start_waiting()

    def _start_waiting(self) -> None:
        """Start queued work while slots are free, unless requests are being answered and the
        oldest has not waited `ack_first` yet (then a reminder comes back for it)."""
        loop = asyncio.get_running_loop()
        while self.queued and self._running < self.slots:
            asked, work = self.queued[0]
            if self._answering and not self.draining and loop.time() < asked + self.ack_first:
                if self._reminder is None:
                    self._reminder = loop.call_at(asked + self.ack_first, self._reminded)
                return
            self.queued.popleft()
            self._launch(work, slotted=True)

    def _reminded(self) -> None:
        self._reminder = None
        self._start_waiting()

    def _launch(self, work: Coroutine[Any, Any, Any], *, slotted: bool) -> None:
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
        self._start_waiting()  # before the ended task leaves the set
        self._ended(task)

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Count the current task as work in flight until the block ends."""
        task = asyncio.current_task()
        assert task is not None
        counted = task not in self.tasks  # an enclosing block of the same task counts it
        self.tasks.add(task)
        self._answering += counted
        try:
            yield
        finally:
            if counted:
                self.tasks.discard(task)
                self._answering -= 1
                if not self._answering:
                    self._start_waiting()  # the acks are out: the work they promised may run

    async def drain(self, finish: Finish) -> None:
        """Take no new work, and wait through `finish` (the runtime's bounded wait) until the
        work already in flight has ended."""
        self.draining = True
        self._start_waiting()  # nothing is put before the acks any more
        # A task that has ended stays in the set until its done-callback runs, on a later turn of
        # the loop; waiting on such tasks alone would return at once without yielding, and this
        # loop would spin before that callback could ever run. So only unfinished ones count.
        while True:
            if unfinished := self.unfinished():
                if await finish(unfinished, self.label):
                    self._gave_up = True
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
            self.queued.popleft()[1].close()

    def unfinished(self) -> set[asyncio.Task[Any]]:
        """The tasks in flight that have not ended yet."""
        return {task for task in self.tasks if not task.done()}
