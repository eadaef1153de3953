"""Work in flight: what a chat adapter has acknowledged and not yet finished, so a stop waits for it.

Every adapter counts its handlers here and drains the same way on SIGTERM: new work is turned
away (each platform says so its own way), and the runtime's bounded wait lets the rest finish.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import Any

Finish = Callable[[Collection[asyncio.Task[Any]], str], Awaitable[int]]


class WorkInFlight:
    """The tasks handling acknowledged work, and whether the process is stopping."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tasks: set[asyncio.Task[Any]] = set()
        self.draining = False

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
        while unfinished := self.unfinished():
            if await finish(unfinished, self.label):
                return  # the grace period is over

    def unfinished(self) -> set[asyncio.Task[Any]]:
        """The tasks in flight that have not ended yet."""
        return {task for task in self.tasks if not task.done()}
