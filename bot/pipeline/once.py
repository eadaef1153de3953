"""Each delivery once: a platform's retry or a gateway's replay is handled the first time only.

The adapter puts the platform's own id for a delivery on the event (`delivery`: Slack's
event_id; Discord's interaction id, and a reaction's message, user and emoji); the task bank remembers it across
restarts and processes. An event without one is not deduplicated.

Only a delivery handled without an error stays taken: when its handling raises, the key is
released, so the platform's retry is handled, and so is a reaction given again (Discord's key for
one is its message, user and emoji: kept, it would drop the reviewer's second try for a day).
For the same reason a reaction taken back releases the key its adding was taken under (the
removal carries it): given again, it is a new reaction, not a replay. A moderator's clear of a
message's reactions (all of them, or one emoji's) releases the keys of every reaction it removed,
whoever gave them: the event says how those keys begin.
"""

from __future__ import annotations

import logging

from bot.events import ReactionEvent, ReactionsClearedEvent
from bot.pipeline.chain import REPEAT, Answer, Delivery, Next

log = logging.getLogger("bot.pipeline")


async def once_per_delivery(delivery: Delivery, next: Next) -> Answer:
    """Go on only the first time this delivery key is seen (keys are namespaced by platform);
    a repeat is answered REPEAT, so the adapter does not answer it a second time."""
    event = delivery.event
    if isinstance(event, ReactionsClearedEvent):
        start = delivery_key(event.platform, event.releases)
        released = await delivery.ctx.bank.forget_deliveries_starting_with(start)
        log.info("reactions cleared on %s: %d key(s) released", event.message.key, released)
        return None  # nothing else reads a clear
    if event.delivery is None:
        return await next()
    key = delivery_key(event.actor.platform, event.delivery)
    if isinstance(event, ReactionEvent) and not event.added:
        await delivery.ctx.bank.forget_delivery(key)  # nothing else reads a removal
        return None
    if not await delivery.ctx.bank.first_delivery(key):
        log.info("%s delivered again; handled already", key)
        return REPEAT
    try:
        return await next()
    except Exception:  # not handled: released, then passed on to the steps that tell
        await _release(delivery, key)
        raise


def delivery_key(platform: str, delivery: str) -> str:
    """The key a delivery is remembered by: the adapter's id for it, namespaced by platform."""
    return f"{platform}:{delivery}"


async def _release(delivery: Delivery, key: str) -> None:
    """Forget the key of a delivery whose handling failed; if even that fails (the store is the
    likely cause of both), log it and let the first failure be the one told."""
    try:
        await delivery.ctx.bank.forget_delivery(key)
    except Exception as error:  # the handler's own failure is the one to tell
        log.warning("could not release delivery %s after its failure: %s", key, error)
