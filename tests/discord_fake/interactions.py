"""An interaction the fake sent the bot, with everything the bot answered to it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Interaction:
    """One interaction sent to the bot and everything the bot answered to it."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    callback: int | None = None
    callback_data: dict[str, Any] | None = None
    original_id: str | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    followups: list[str] = field(default_factory=list)
    edits: int = 0
    sent_at: float = field(default_factory=time.monotonic)
    late: bool = False  # its first answer came after Discord's deadline
    first_answer_after: float | None = None  # seconds from sending it to its first answer

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.callback_data if self.callback == 9 else None
