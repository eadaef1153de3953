"""What every handler gets: the task bank, the chat port, roles, and how to show money and time."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.events import ActionEvent, CommandEvent, FormSubmitEvent, HomeEvent, MessageRef, Place
from bot.port import ChatPort
from bot.roles import Roles
from bot.ui import Card
from taskbank.fairpay import FairWorkPolicy
from taskbank.service import TaskBank


@dataclass(frozen=True)
class BotContext:
    """Everything a handler needs; no handler keeps state of its own."""

    bank: TaskBank
    port: ChatPort
    roles: Roles
    time_zone: str = "UTC"
    currency: str = "USD"
    review_place: Place = field(default_factory=lambda: Place("reviews"))
    coordinator_place: Place = field(default_factory=lambda: Place("coordinators"))
    review_sample_size: int = 5
    fair_work: FairWorkPolicy = field(default_factory=FairWorkPolicy)

    async def reply(
        self, event: CommandEvent | ActionEvent | FormSubmitEvent | HomeEvent, card: Card
    ) -> MessageRef:
        """Answer the person who sent an event, privately, where they sent it."""
        return await self.port.post_card(
            event.place, card, visibility="private", to=event.actor, context=event.context
        )
