"""What every handler gets: the task bank, the chat port, roles, and how to show money and time."""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import Place
from bot.port import ChatPort
from bot.roles import Roles
from taskbank.service import TaskBank


@dataclass(frozen=True)
class BotContext:
    """Everything a handler needs; no handler keeps state of its own."""

    bank: TaskBank
    port: ChatPort
    roles: Roles
    time_zone: str = "UTC"
    currency: str = "USD"
    review_place: Place = Place("reviews")
    coordinator_place: Place = Place("coordinators")
    review_sample_size: int = 5
