"""Only one process runs the scheduled jobs: the one holding the bank's scheduler lock.

Every process checks every `retry_seconds`; when the leader dies its lock is released (by
PostgreSQL or the operating system) and the next check elsewhere takes over. The exactly-once
post records keep a takeover from repeating what the old leader already sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class SchedulerLeader:
    """Starts the scheduler when this process becomes the leader."""

    hold_lock: Callable[[], Awaitable[bool]]  # e.g. TaskBank.hold_scheduler_lock
    start: Callable[[], None]
    retry_seconds: float = 30
    leading: bool = False

    async def tick(self) -> bool:
        """Try once; start the scheduler on becoming leader. Returns whether this process leads."""
        if not self.leading and await self.hold_lock():
            self.leading = True
            self.start()
        return self.leading

    async def run(self) -> None:
        """Try until this process leads (polling: nothing signals another process's death)."""
        while True:
            if await self.tick():
                return
            await asyncio.sleep(self.retry_seconds)
