"""Socket Mode with a stop that loses nothing: each envelope counts as work in flight until its
answer has gone back over the socket, and while stopping, a new envelope is left unanswered
(Slack tells the person it failed, and sends an event again later), nothing started for it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.inflight import WorkInFlight

log = logging.getLogger(__name__)


class CountedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, counting each envelope in `work` (see bot.inflight)."""

    def __init__(self, app: Any, app_token: str | None, work: WorkInFlight) -> None:
        super().__init__(app, app_token)
        self.work = work

    async def handle(self, client: Any, req: Any) -> None:
        with self.work.working():
            if self.work.draining:
                log.info("stopping: left a %s envelope for Slack to send again", req.type)
                return
            await super().handle(client, req)
