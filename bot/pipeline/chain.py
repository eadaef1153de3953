"""The chain: a delivery handed through steps, each calling `next()` to go on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot import render
from bot.events import Event, ReactionEvent, ReactionsClearedEvent
from bot.handlers.context import BotContext
from bot.ui import FormErrors

log = logging.getLogger("bot.pipeline")


@dataclass(frozen=True)
class Repeat:
    """The answer to a delivery handled before (a retry, a replay): nothing was done, and its
    first handling is the one that answers the person, so the adapter answers nothing more."""


REPEAT = Repeat()
# What a form submit may answer with (per-field errors); a repeat, REPEAT; every other event, None
Answer = FormErrors | Repeat | None
Next = Callable[[], Awaitable[Answer]]


@dataclass(frozen=True)
class Delivery:
    """One event on its way through the pipeline, with what every step needs."""

    event: Event
    ctx: BotContext

    async def tell(self, title: str, text: str) -> None:
        """A private note to the person who caused the event (a reaction: a direct message); a
        clear of reactions names nobody, so it is logged instead."""
        card = render.notice_card(title, text[:1].upper() + text[1:], "warning")
        event = self.event
        if isinstance(event, ReactionsClearedEvent):
            log.warning("nobody to tell about the clear on %s: %s", event.message.key, title)
        elif isinstance(event, ReactionEvent):
            await self.ctx.port.send_direct(event.actor, card)
        else:
            await self.ctx.reply(event, card)

    async def tell_quietly(self, title: str, text: str) -> None:
        """`tell`, logging instead of raising when the chat will not take even that (the steps
        that tell what failed use it: nobody is left to tell)."""
        try:
            await self.tell(title, text)
        except Exception as error:  # the chat itself failed; the failure is logged already
            log.warning("could not tell the person either: %s", error)


Step = Callable[[Delivery, Next], Awaitable[Answer]]


class Pipeline:
    """Steps run in order; the last one that does not call `next()` ends the delivery."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = tuple(steps)

    async def run(self, delivery: Delivery) -> Answer:
        async def at(index: int) -> Answer:
            if index == len(self.steps):
                return None
            return await self.steps[index](delivery, lambda: at(index + 1))

        return await at(0)
