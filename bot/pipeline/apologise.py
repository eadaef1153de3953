"""The one catch-all: an unexpected failure is logged and told to the person, never silence."""

from __future__ import annotations

import logging

from bot.pipeline.chain import Answer, Delivery, Next

log = logging.getLogger("bot.pipeline")
SORRY_TITLE = "Something went wrong"
SORRY_TEXT = "Taskbot hit an error it did not expect; it is logged. Nothing you sent was lost."


async def apologise(delivery: Delivery, next: Next) -> Answer:
    """Log what no other step expected, and say sorry once (if even that fails, log it too)."""
    try:
        return await next()
    except Exception:  # the one place an unexpected failure is logged and told, not lost
        log.exception("handling %s failed", type(delivery.event).__name__)
        await delivery.tell_quietly(SORRY_TITLE, SORRY_TEXT)
        return None
