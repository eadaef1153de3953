"""What a running Taskbot is made of, and how adapters are found.

Adapters register under the `taskbot.adapters` entry-point group (see pyproject.toml), so the bot
layer starts them by name without importing them: imports still point down only.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import signal
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from bot.app import Taskbot
from bot.chart import load_pyplot
from bot.config import Config
from bot.events import Place
from bot.extras import ExtraMissing, install_hint, missing_extra, module_available
from bot.handlers.context import BotContext
from bot.leader import SchedulerLeader
from bot.port import ChatPort, RoutedPort
from bot.roles import Roles
from bot.scheduler import Jobs, build_scheduler
from taskbank.bulkmemory import freeze_start_up_heap, thaw_start_up_heap
from taskbank.screenplay.pdfprocess import stop_pdf_reader
from taskbank.service import TaskBank

log = logging.getLogger(__name__)
# After a chat fails, the others get the grace period and this much more to stop by themselves.
STOP_MARGIN_SECONDS = 2.0
ADAPTER_GROUP = "taskbot.adapters"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
TOOL_GROUP = "taskbot.tools"


@dataclass
class Runtime:
    """The configuration and task bank shared by every adapter in this process."""

    config: Config
    bank: TaskBank
    roles: Roles
    options: dict[str, Any] = field(default_factory=dict)
    scheduler: Any = None
    ports: dict[str, ChatPort] = field(default_factory=dict)
    contexts: list[BotContext] = field(default_factory=list)
    _up: set[str] = field(default_factory=set)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _leader_task: asyncio.Task[None] | None = None
    # Set by the first SIGTERM/SIGINT (or request_stop); the second ends the grace period at once.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _hurry: asyncio.Event = field(default_factory=asyncio.Event)
    _grace_ends: float | None = None

    def build_bot(
        self,
        port: ChatPort,
        review_channel: str,
        coordinator_channel: str,
        platform: str | None = None,
    ) -> Taskbot:
        """A dispatcher whose handlers talk to this chat port.

        The first chat to ask also carries the scheduler's channel posts; its direct messages go
        to each user's own chat (`platform` names this one's). Asking starts nothing: the
        scheduler is its own step (`start_scheduler`, run by `serve` once every chat is `up`).
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
                fair_work=self.config.fair_work.policy(self.config.schedule.auto_approve_hours),
            )
        )
        self.contexts.append(bot.ctx)
        return bot

    def up(self, platform: str) -> None:
        """An adapter says it is connected and serving (its token accepted): the scheduler waits
        for every adapter's word, so a refused chat never has jobs posting into it."""
        self._up.add(platform)
        self._changed.set()

    def jobs(self) -> Jobs:
        """The scheduled jobs, posting through the first chat built (direct messages routed to
        each user's own chat)."""
        if not self.contexts:
            raise RuntimeError("no chat has been built: the jobs have nowhere to post")
        first = self.contexts[0]
        return Jobs(replace(first, port=RoutedPort(first.port, self.ports)), self.config.schedule)

    def start_scheduler(self) -> None:
        """Build the scheduler and try, until this process leads, to start it (see leader.py)."""
        if self.scheduler is not None or not self.config.schedule.enabled:
            return
        self.scheduler = build_scheduler(self.jobs())
        leader = SchedulerLeader(
            self.bank.hold_scheduler_lock,
            self.scheduler.start,
            self.config.schedule.leader_retry_seconds,
        )
        self._leader_task = asyncio.get_running_loop().create_task(leader.run())

    def settle_heap(self) -> int:
        """Start-up's last step: load what request paths would load on first use (pyplot for
        tally charts), then freeze every object alive, so that no garbage collection during a
        request walks them on the loop's time. Returns how many. (The PDF reader is not loaded
        here: PDFs are read in a child process of their own, see taskbank/screenplay/pdfprocess.py.)"""
        if module_available("matplotlib"):
            load_pyplot()
        return freeze_start_up_heap()

    # -- stopping: every adapter stops taking work, finishes what it acknowledged, closes ------

    async def serve(self, runners: list[AdapterRunner], *, scheduler: bool = False) -> None:
        """Run the adapters side by side until they all return; SIGTERM and SIGINT ask them to
        stop (each finishes its acknowledged work within the grace period, then closes). With
        `scheduler`, the scheduler starts once every adapter has reported itself up."""
        loop = asyncio.get_running_loop()
        self.settle_heap()
        handled = []
        for number in STOP_SIGNALS:
            try:
                loop.add_signal_handler(number, self.request_stop, number)
                handled.append(number)
            except (ValueError, RuntimeError):  # not the main thread: signals are not ours
                log.info("not handling %s outside the main thread", signal.Signals(number).name)
        running = [loop.create_task(runner(self)) for runner in runners]
        served = asyncio.gather(*running)
        try:
            if scheduler:
                await self._when_up(len(runners), served)
            await served
        except Exception as error:
            # One chat failed: the others stop as on a signal (their acknowledged work finishes
            # within the grace period) before the failure goes on to end the process.
            waiting = [task for task in running if not task.done()]
            if waiting:
                log.error("a chat stopped with an error (%s); stopping the others", error)
                if not self.stopping.is_set():  # (a second request would end the grace at once)
                    self.request_stop()
                # Bounded: a runner that cannot see the stop (stuck connecting) is cut off.
                bound = self.config.chat.shutdown_grace_seconds + STOP_MARGIN_SECONDS
                _, stuck = await asyncio.wait(waiting, timeout=bound)
                for task in stuck:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
            raise
        finally:
            for number in handled:
                loop.remove_signal_handler(number)
            self.stop()
            stop_pdf_reader()  # its process ends with serving (any PDF it still reads is refused)
            thaw_start_up_heap()

    async def _when_up(self, count: int, served: asyncio.Future[Any]) -> None:
        """Start the scheduler once `count` chats are up (not if they end first)."""
        while len(self._up) < count and not served.done():
            self._changed.clear()
            changed = asyncio.ensure_future(self._changed.wait())
            try:
                await asyncio.wait({changed, served}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
        if not served.done() and not self.stopping.is_set():
            self.start_scheduler()

    def request_stop(self, number: int | None = None) -> None:
        """Stop taking new work (the scheduler too); a second request ends the grace at once."""
        if self.stopping.is_set():
            log.warning("asked again to stop: not waiting for work in flight any longer")
            self._hurry.set()
            return
        name = signal.Signals(number).name if number is not None else "a request"
        grace = self.config.chat.shutdown_grace_seconds
        log.warning("stopping on %s; work in flight has %s s to finish", name, grace)
        self._grace_ends = asyncio.get_running_loop().time() + grace
        self.stop()
        self.stopping.set()

    async def until_stop_requested(self) -> None:
        """Return once the process is asked to stop."""
        await self.stopping.wait()

    async def finish(self, work: Collection[asyncio.Future[Any]], what: str = "work") -> int:
        """Wait for acknowledged work to end, within what is left of the grace period (a second
        signal ends it); returns how many pieces did not finish (their leases expire as usual)."""
        loop = asyncio.get_running_loop()
        pending = {piece for piece in work if not piece.done()}
        hurry = asyncio.ensure_future(self._hurry.wait())
        try:
            while pending and not self._hurry.is_set():
                left = (self._grace_ends or loop.time()) - loop.time()
                if left <= 0:
                    break
                _, pending = await asyncio.wait(
                    pending | {hurry}, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                pending.discard(hurry)
        finally:
            hurry.cancel()
        if pending:
            log.warning(
                "%d piece(s) of %s did not finish within the grace period", len(pending), what
            )
        return len(pending)

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
            return load_entry_point(point, f"the {name} chat")
    close = difflib.get_close_matches(name, available_adapters(), n=1)
    guess = f" — did you mean '{close[0]}'?" if close else ""
    raise LookupError(
        f"no adapter '{name}' is installed{guess}; installed: "
        f"{', '.join(available_adapters()) or 'none'}"
    )


def load_tool(name: str) -> Callable[..., Any]:
    """An adapter's tool (e.g. `discord-sync`), or a clear error when its adapter is missing."""
    for point in entry_points(group=TOOL_GROUP):
        if point.name == name:
            return load_entry_point(point, f"`{name}`")
    raise LookupError(f"no tool '{name}' is installed; reinstall Taskbot (pip install -e .)")


def load_entry_point(point: EntryPoint, feature: str) -> Any:
    """An entry point's object, or ExtraMissing naming the extra that brings its imports."""
    try:
        return point.load()
    except ModuleNotFoundError as error:
        feature = feature[:1].upper() + feature[1:]
        hint = missing_extra(error, feature)
        if hint is None and point.extras:
            hint = install_hint(point.extras[0], feature, error.name)
        if hint is None:
            raise
        raise ExtraMissing(hint) from None
