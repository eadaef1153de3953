"""The dispatcher: one entry point through which every neutral event reaches its handler.

The way in is the inbound pipeline (bot/pipeline): the steps every chat shares, then the chat's
own (`use`), then the handler. Core errors become friendly private messages there, so each
handler can let them rise.
"""

from __future__ import annotations

from bot.events import Event
from bot.handlers.context import BotContext
from bot.pipeline import Answer, Delivery, Pipeline, Step
from bot.pipeline.apologise import apologise
from bot.pipeline.dispatch import dispatch
from bot.pipeline.once import once_per_delivery
from bot.pipeline.refusals import refusals
from bot.pipeline.roles import requires_role


class Taskbot:
    """Routes events through the pipeline; a chat adds its own steps with `use`."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self._platform_steps: list[Step] = []
        self._pipeline = self._build()

    def use(self, step: Step) -> None:
        """Add a chat's own step (its platform errors), inside the apology and outside the rest."""
        self._platform_steps.append(step)
        self._pipeline = self._build()

    def _build(self) -> Pipeline:
        return Pipeline(
            (
                apologise,
                *self._platform_steps,
                refusals,
                once_per_delivery,
                requires_role,
                dispatch,
            )
        )

    async def handle(self, event: Event) -> Answer:
        """Handle one event; a form submit may answer with per-field errors, and a delivery
        handled before is answered REPEAT (nothing was done)."""
        return await self._pipeline.run(Delivery(event, self.ctx))

    async def tell(self, event: Event, title: str, text: str) -> None:
        """A private note to the person behind an event, as the pipeline's steps send them."""
        await Delivery(event, self.ctx).tell(title, text)
