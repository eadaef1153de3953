"""Each delivery once: a platform's retry or a gateway's replay is handled the first time only.

The adapter puts the platform's own id for a delivery on the event (`delivery`: Slack's
event_id, Discord's message, user and emoji of a reaction); the task bank remembers it across
restarts and processes. An event without one is not deduplicated.
"""

from __future__ import annotations

import logging

from bot.pipeline.chain import Answer, Delivery, Next

log = logging.getLogger("bot.pipeline")


async def once_per_delivery(delivery: Delivery, next: Next) -> Answer:
    """Go on only the first time this delivery key is seen (keys are namespaced by platform)."""
    event = delivery.event
    if event.delivery is None:
        return await next()
    key = f"{event.actor.platform}:{event.delivery}"
    if not await delivery.ctx.bank.first_delivery(key):
        log.info("%s delivered again; handled already", key)
        return None
    return await next()
