"""What a running Taskbot is made of, and how adapters are found.

Adapters register under the `taskbot.adapters` entry-point group (see pyproject.toml), so the bot
layer starts them by name without importing them: imports still point down only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from typing import Any

from bot.app import Taskbot
from bot.config import Config
from bot.events import Place
from bot.handlers.context import BotContext
from bot.port import ChatPort, RoutedPort
from bot.roles import Roles
from taskbank.service import TaskBank

ADAPTER_GROUP = "taskbot.adapters"
TOOL_GROUP = "taskbot.tools"


@dataclass
class Runtime:
    """The configuration and task bank shared by every adapter in this process."""

    config: Config
    bank: TaskBank
    roles: Roles
    options: dict[str, Any] = field(default_factory=dict)
    run_scheduler: bool = False
    scheduler: Any = None
    ports: dict[str, ChatPort] = field(default_factory=dict)
    _leader_task: asyncio.Task[None] | None = None

    def build_bot(
        self,
        port: ChatPort,
        review_channel: str,
        coordinator_channel: str,
        platform: str | None = None,
    ) -> Taskbot:
        """A dispatcher whose handlers talk to this chat port.

        The first chat to connect also carries the scheduler's channel posts, when the scheduler
        runs; its direct messages go to each user's own chat (`platform` names this one's).
        """
        if platform is not None:
            self.ports.setdefault(platform, port)
        bot = Taskbot(
            BotContext(
                bank=self.bank,
                port=port,
                roles=self.roles,
                time_zone=self.config.locale.time_zone,
                currency=self.config.locale.currency,
                review_place=Place(review_channel),
                coordinator_place=Place(coordinator_channel),
                review_sample_size=self.config.review.sample_size,
            )
        )
        if self.run_scheduler and self.config.schedule.enabled and self.scheduler is None:
            from bot.leader import SchedulerLeader
            from bot.scheduler import Jobs, build_scheduler

            routed = replace(bot.ctx, port=RoutedPort(port, self.ports))
            self.scheduler = build_scheduler(Jobs(routed, self.config.schedule))
            leader = SchedulerLeader(
                self.bank.store, self.scheduler.start, self.config.schedule.leader_retry_seconds
            )
            self._leader_task = asyncio.get_running_loop().create_task(leader.run())
        return bot

    def stop(self) -> None:
        """Stop trying to lead, and stop the scheduler if it was started."""
        if self._leader_task is not None:
            self._leader_task.cancel()
            self._leader_task = None
        if self.scheduler is not None:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            self.scheduler = None


AdapterRunner = Callable[[Runtime], Awaitable[None]]


def available_adapters() -> list[str]:
    """Names of the installed adapters."""
    return sorted(point.name for point in entry_points(group=ADAPTER_GROUP))


def load_adapter(name: str) -> AdapterRunner:
    """The runner of an installed adapter, or a clear error naming those installed."""
    for point in entry_points(group=ADAPTER_GROUP):
        if point.name == name:
            return point.load()
    raise LookupError(
        f"no adapter '{name}' is installed; installed: {', '.join(available_adapters()) or 'none'}"
    )


def load_tool(name: str) -> Callable[..., Any]:
    """An adapter's tool (e.g. `discord-sync`), or a clear error when its adapter is missing."""
    for point in entry_points(group=TOOL_GROUP):
        if point.name == name:
            return point.load()
    raise LookupError(f"no tool '{name}' is installed; reinstall Taskbot (pip install -e .)")
