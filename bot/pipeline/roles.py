"""A command runs only for the role bot/commands.py declares for it."""

from __future__ import annotations

from bot.commands import BY_NAME
from bot.events import CommandEvent
from bot.pipeline.chain import Answer, Delivery, Next


async def requires_role(delivery: Delivery, next: Next) -> Answer:
    """Refuse (NotAllowed, told by `refusals`) a command the person's role does not allow."""
    event = delivery.event
    if isinstance(event, CommandEvent) and (command := BY_NAME.get(event.name)) is not None:
        delivery.ctx.roles.require(event.actor, command.role, f"/{command.name}")
    return await next()
