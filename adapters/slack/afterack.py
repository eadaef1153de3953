"""Acks first: the work after an ack gives way to Slack's requests while they crowd the event loop.

Slack gives the app 3 seconds to acknowledge a request and 30 minutes to use its response_url,
and both share one event loop. When no request has arrived for a moment, acknowledged work (a
/task's claim and card) starts at once, up to `limit` pieces at a time. While requests keep
arriving, a timer looks every `trickle` seconds at how late the loop ran it: a loop that keeps
its timers has room, and more pieces may run (doubling up to `limit`); a late loop is busy
answering, and the pieces that may run halve down to `busy_limit`, one more starting per look,
so nothing starves. The rest wait in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import AsyncIterator

# No request for this long: every ack has been answered, the loop is free for the work after.
QUIET_SECONDS = 0.02
# While requests keep coming: how often the loop's lateness is looked at (and one waiting piece
# of work may start), how late a loop with room may be, and how many pieces run when it has none.
TRICKLE_SECONDS = 0.05
PROMPT_SECONDS = 0.005
BUSY_LIMIT = 1


class AcksFirst:
    """Slots for the work after an ack, given out as the acks leave the event loop room."""

    def __init__(
        self,
        limit: int,
        quiet: float = QUIET_SECONDS,
        trickle: float = TRICKLE_SECONDS,
        busy_limit: int = BUSY_LIMIT,
        prompt: float = PROMPT_SECONDS,
    ) -> None:
        self.limit = limit
        self.busy_limit = min(busy_limit, limit)
        self.quiet = quiet
        self.trickle = trickle
        self.prompt = prompt
        self.running = 0
        self.allowed = self.busy_limit  # how many may run while requests keep arriving
        self._last_request = -math.inf
        self._last_start = -math.inf
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    @property
    def waiting(self) -> int:
        return sum(not future.done() for future in self._waiting)

    def request_arrived(self) -> None:
        """A request from Slack is being answered: the work after acks gives way for a moment."""
        self._last_request = asyncio.get_running_loop().time()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for this piece of work's turn (at once on a quiet loop), and hold a slot while it
        runs."""
        loop = asyncio.get_running_loop()
        if self._waiting or not self._may_start(loop.time()):
            turn = loop.create_future()
            self._waiting.append(turn)
            self._look_later(loop)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():  # given a slot it will not use
                    self._finished()
                raise
        else:
            self._started(loop.time())
        try:
            yield
        finally:
            self._finished()

    def _may_start(self, now: float) -> bool:
        if now - self._last_request >= self.quiet:
            return self.running < self.limit
        if self.allowed > self.busy_limit:
            return self.running < self.allowed
        return self.running < self.allowed and now - self._last_start >= self.trickle

    def _started(self, now: float) -> None:
        self.running += 1
        self._last_start = now

    def _finished(self) -> None:
        self.running -= 1
        if self._waiting:
            self._release(asyncio.get_running_loop())

    def _look(self) -> None:
        """The timer: adapt to how late the loop ran it, then start what may start."""
        loop = asyncio.get_running_loop()
        self._timer = None
        now = loop.time()
        if now - self._last_request < self.quiet:
            if now - self._timer_at <= self.prompt:
                self.allowed = min(self.limit, self.allowed * 2)
            else:
                self.allowed = max(self.busy_limit, self.allowed // 2)
        self._release(loop)

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start what may start now, oldest first; look again while anything waits."""
        while self._waiting:
            if self._waiting[0].done():  # cancelled while waiting
                self._waiting.popleft()
                continue
            now = loop.time()
            if not self._may_start(now):
                break
            self._started(now)
            self._waiting.popleft().set_result(None)
        self._look_later(loop)

    def _look_later(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None or not self._waiting:
            return
        now = loop.time()
        self._timer_at = max(now, min(self._last_request + self.quiet, now + self.trickle))
        self._timer = loop.call_at(self._timer_at, self._look)
