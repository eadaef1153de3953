"""Scheduled jobs: pay tallies, QA samples, auto-approval and the lease sweep.

Each job is a plain coroutine on `Jobs`, driven by the bank's clock, so tests run them directly.
`build_scheduler` puts them on an APScheduler AsyncIOScheduler in the project's time zone.

Exactly once: every post is recorded (pending) before it is sent and marked sent afterwards. A run
after a crash or a restart sends what is pending and skips what is sent; a tally period missed
while the process was down is posted late, with its true period. A crash after a chat accepted a
post and before it was marked leaves it pending: it is sent again with the same `Once` key marked
as a retry, and the adapter asks its platform whether the post is already there (Discord's message
nonce, a metadata marker in Slack's recent channel history) before showing it a second time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import budget, render, review_render, tally_cards
from bot.chart import daily_totals
from bot.config import ScheduleConfig
from bot.events import Actor, Place
from bot.extras import install_hint, module_available
from bot.handlers import fair_work
from bot.handlers.context import BotContext
from bot.handlers.fair_work import EveryWritersNotes
from bot.handlers.reviewer import post_for_review
from bot.jobexecutor import QuietAsyncIOExecutor
from bot.port import Once, PlaceRefused, if_postable, if_reachable, once_key
from bot.quality_view import digest
from bot.ui import Card, FileUpload
from taskbank.bulkmemory import full_collections_postponed
from taskbank.models import Period, Tally, TallyLine
from taskbank.periods import PeriodKind, period_containing, previous_period

CHANNEL = "channel"
log = logging.getLogger(__name__)


@dataclass
class Jobs:
    """The scheduler's work, each job safe to run again at any time."""

    ctx: BotContext
    schedule: ScheduleConfig

    @property
    def now(self) -> datetime:
        return self.ctx.bank.now()

    # -- pay tally ---------------------------------------------------------------------------

    def due_period(self) -> Period:
        """The latest period whose tally time has come (the one before the last cron firing)."""
        zone = self.ctx.time_zone
        trigger = CronTrigger.from_crontab(self.schedule.tally_cron, timezone=zone)
        now = self.now
        fire: datetime | None = None
        probe = trigger.get_next_fire_time(None, now - timedelta(days=65))
        while probe is not None and probe <= now:
            fire = probe
            probe = trigger.get_next_fire_time(probe, probe + timedelta(seconds=1))
        kind: PeriodKind = self.schedule.tally_period
        return previous_period(period_containing(fire or now, kind, zone), kind, zone)

    def period_key(self, period: Period) -> str:
        return f"{self.schedule.tally_period}:{period.start.astimezone(ZoneInfo(self.ctx.time_zone)).date().isoformat()}"

    async def run_tally(self) -> list[str]:
        """Post every due tally not yet sent, oldest first; returns the period keys posted."""
        kind: PeriodKind = self.schedule.tally_period
        due = self.due_period()
        periods = [due]
        history = {
            key: state
            for key, recipient, state in await self.ctx.bank.outbox_history("tally")
            if recipient == CHANNEL
        }
        if history and history.get(self.period_key(due)) != "sent":
            first_start = min(_starts(history, self))
            while len(periods) < self.schedule.catch_up_periods:
                earlier = previous_period(periods[-1], kind, self.ctx.time_zone)
                if history.get(self.period_key(earlier)) == "sent" or earlier.start < first_start:
                    break
                periods.append(earlier)
        # No tally for a time before anything was handed out: a brand-new database posts
        # nothing for the week before it existed.
        batches = await self.ctx.bank.list_batches()
        if not batches:
            return []
        first_batch = min(batch.created_at for batch in batches)
        periods = [period for period in periods if period.end > first_batch]
        posted = []
        for period in reversed(periods):
            if await self.post_tally(period):
                posted.append(self.period_key(period))
        return posted

    async def post_tally(self, period: Period) -> bool:
        """Send one period's tally to every recipient not yet served; True when anything was sent."""
        bank, key = self.ctx.bank, self.period_key(period)
        await fair_work.pay_top_ups(self.ctx, period, key)
        sent_any = False
        with full_collections_postponed():  # as in post_tally_now, to the last private card
            tally = await bank.tally(period)
            notes = await fair_work.every_writers_notes(self.ctx, period)
            if await if_postable(  # a channel Taskbot may not post in holds up no writer
                self._deliver(
                    "tally",
                    key,
                    CHANNEL,
                    lambda once: self._post_summary(period, tally, once, notes),
                )
            ):
                sent_any = True
            for line in tally.lines:  # one writer who takes no DMs holds up nobody after them
                if await if_reachable(
                    self._deliver(
                        "tally",
                        key,
                        line.writer_id,
                        lambda once, line=line: self._post_private(period, line, once, notes),
                    )
                ):
                    sent_any = True
        return sent_any

    async def _deliver(
        self, job: str, key: str, recipient: str, send: Callable[[Once], Awaitable[None]]
    ) -> bool:
        """Send one recorded post unless it was sent (see TaskBank.send_once)."""
        return await self.ctx.bank.send_once(
            job, key, recipient, lambda retry: send(once_key(job, key, recipient, retry=retry))
        )

    async def post_tally_now(
        self, period: Period, place: Place, platform: str, *, privately_to: Actor | None = None
    ) -> int:
        """A tally asked for (`/tally`): the summary and chart to `place` (or the summary to
        `privately_to` alone, there), and each writer on this platform their own line
        privately, as the scheduled tally sends them (not recorded: each ask sends anew).
        Returns how many writers were sent theirs."""
        # Every writer's rows and private cards are alive at once, to the last card sent: no full
        # collection walks them meanwhile (on the loop's thread).
        with full_collections_postponed():
            tally = await self.ctx.bank.tally(period)
            notes = await fair_work.every_writers_notes(self.ctx, period)
            await self._post_summary(
                period,
                tally,
                None,
                notes,
                place=place,
                title=f"Tally, {period.label}",
                to=privately_to,
            )
            here = [line for line in tally.lines if line.writer_id.startswith(f"{platform}:")]
            told = 0
            for line in here:
                if await if_reachable(self._post_private(period, line, None, notes)) is None:
                    continue
                told += 1
        return told

    async def _post_summary(
        self,
        period: Period,
        tally: Tally,
        once: Once | None,
        notes: EveryWritersNotes,
        *,
        place: Place | None = None,
        title: str | None = None,
        to: Actor | None = None,
    ) -> None:
        title = title or f"Pay tally, {period.label}"
        place = place or self.ctx.coordinator_place
        # Thousands of writers' lines take the renderer hundreds of milliseconds: off the loop.
        names, card = await asyncio.to_thread(
            tally_cards.summary_card,
            tally,
            title,
            self.ctx.currency,
            pseudonyms=self.schedule.tally_pseudonyms,
            zone=self.ctx.time_zone,
        )
        card = await fair_work.tally_notes(
            self.ctx, card, period, names, rates=list(notes.rates.values())
        )
        qualities = [
            quality
            for batch_id in await self.ctx.bank.batches_answered_in(period)
            if (quality := await self.ctx.bank.batch_quality(batch_id, resamples=0)).shared_tasks
            or quality.writers_with_gold
        ]
        if qualities:
            card = Card(card.title, (*card.blocks, digest(qualities)), card.fields)
        budgets = tally_cards.budget_lines(await self.ctx.bank.project_spend(), self.ctx.currency)
        if budgets:
            card = Card(
                card.title, (*card.blocks, "Budgets spent:\n" + "\n".join(budgets)), card.fields
            )
        if to is not None:  # a private tally: the card only, seen by `to` alone
            await self.ctx.port.post_card(place, card, visibility="private", to=to)
            return
        await self.ctx.port.post_card(place, card, once=once)
        if not (self.schedule.tally_chart and tally.lines):
            return
        if not module_available("matplotlib"):
            log.warning(install_hint("charts", "The tally chart", "matplotlib"))
            return
        buckets = await self.ctx.bank.activity_by_quarter_hour(period)
        # Drawing takes matplotlib hundreds of milliseconds: off the loop that answers chats.
        png = await asyncio.to_thread(
            tally_cards.drawn,
            daily_totals(buckets, period, self.ctx.time_zone),
            title,
            self.ctx.currency,
        )
        await self.ctx.port.upload_file(
            place,
            FileUpload(
                f"tally-{self.period_key(period).replace(':', '-')}.png",
                png,
                f"Per day in {self.ctx.time_zone}, {period.label}",  # an image has no tokens
            ),
            once=None
            if once is None
            else once_key("tally-chart", self.period_key(period), CHANNEL, retry=once.retry),
        )

    async def _post_private(
        self, period: Period, line: TallyLine, once: Once | None, notes: EveryWritersNotes
    ) -> None:
        """A writer's own line with their rates and work awaiting review (tally_cards)."""
        card = tally_cards.private_card(self.ctx, period, line, notes)
        await self.ctx.port.send_direct(line.writer_id, card, once=once)

    # -- QA sample, auto-approval, leases ------------------------------------------------------

    async def run_qa_sample(self) -> int:
        """Check gold answers, then post a fresh sample (and any left pending) for review."""
        bank = self.ctx.bank
        await bank.check_gold()
        await fair_work.tell_automatic_rejections(self.ctx)
        chosen = await bank.choose_for_review(
            self.schedule.qa_max_per_run, at_least_one_per_writer=True
        )
        recorded_now = set()
        for submission in chosen:
            if await bank.outbox_record("qa", str(submission.id), CHANNEL) == "new":
                recorded_now.add(str(submission.id))
        await bank.mark_sampled(chosen)
        posted = 0
        waiting = await bank.outbox_pending("qa")
        for number, (key, recipient) in enumerate(waiting):
            submission = await bank.submission(int(key))
            once = once_key("qa", key, recipient, retry=key not in recorded_now)
            try:
                await post_for_review(self.ctx, submission, once=once)
            except PlaceRefused as refused:  # the rest would be refused alike: they stay pending
                await self._tell_review_channel_refused(refused, len(waiting) - number)
                break
            await bank.outbox_sent("qa", key, recipient)
            posted += 1
        return posted

    async def _tell_review_channel_refused(self, refused: PlaceRefused, waiting: int) -> None:
        """Tell coordinators, once a day, that samples wait for a review channel closed to us."""
        log.warning("%s; %d sample(s) wait for review", refused, waiting)
        day = self.now.astimezone(ZoneInfo(self.ctx.time_zone)).date().isoformat()
        card = review_render.channel_refused_card(str(refused), waiting)
        await if_postable(
            self._deliver(
                "qa-refused",
                f"{refused.channel}:{day}",
                CHANNEL,
                lambda once: self.ctx.port.post_card(self.ctx.coordinator_place, card, once=once),
            )
        )

    async def run_auto_approve(self) -> int:
        """Approve and pay what nobody reviewed within the window."""
        return await self.ctx.bank.auto_approve(timedelta(hours=self.schedule.auto_approve_hours))

    async def run_budget_watch(self) -> int:
        """Tell coordinators, once per batch, that it stopped handing out tasks for budget."""
        sent = 0
        for batch, spent in await budget.stopped_batches(self.ctx.bank):
            card = render.notice_card(
                f"Batch {batch.id} {batch.name} stopped: its budget is used up",
                f"Project {spent.project.name}: "
                f"{budget.status_line(spent, batch, self.ctx.currency)}. Writers are told "
                "nothing is left; raise the cap with a new import, or close the batch.",
                "warning",
            )
            if await if_postable(
                self._deliver(
                    "budget",
                    f"batch:{batch.id}",
                    CHANNEL,
                    lambda once, card=card: self.ctx.port.post_card(
                        self.ctx.coordinator_place, card, once=once
                    ),
                )
            ):
                sent += 1
        return sent

    async def run_lease_sweep(self) -> int:
        """Return lapsed leases to the pool and tell each writer privately."""
        expired = await self.ctx.bank.expire_leases()
        for assignment in expired:
            task = await self.ctx.bank.task(assignment.task_id)
            card = render.notice_card(
                "Your lease ran out",
                f"Task {task.external_id} went back to the pool at "
                f"{render.local_time(assignment.lease_expires_at, self.ctx.time_zone)}. "
                "If nobody has taken it, your answer is still accepted.",
                "warning",
                next_button=True,
            )
            await if_reachable(self.ctx.port.send_direct(assignment.writer_id, card))
        return len(expired)


def _starts(keys: Iterable[str], jobs: Jobs) -> list[datetime]:
    """The start instants of already-sent periods (so catch-up never reaches before history)."""
    tz = ZoneInfo(jobs.ctx.time_zone)
    return [datetime.combine(date.fromisoformat(k.split(":", 1)[1]), time(), tz) for k in keys]


def stops_quietly(job: Callable[[], Awaitable[Any]], name: str) -> Callable[[], Awaitable[Any]]:
    """A job that, cancelled because the process is stopping, ends with a log line rather than
    an error with a traceback (what it had not sent stays pending in the outbox, and is sent
    on the next start)."""

    async def run() -> Any:
        try:
            return await job()
        except asyncio.CancelledError:
            log.info("the %s job was stopped by the shutdown; it resumes on the next start", name)
            return None

    run.__name__ = run.__qualname__ = f"{name} job"
    return run


def build_scheduler(jobs: Jobs) -> AsyncIOScheduler:
    """An AsyncIOScheduler with every job; the tally and QA jobs also run once at start to catch up."""
    schedule, zone = jobs.schedule, jobs.ctx.time_zone
    scheduler = AsyncIOScheduler(timezone=zone, executors={"default": QuietAsyncIOExecutor()})
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    start = datetime.now(ZoneInfo(zone))
    scheduler.add_job(
        stops_quietly(jobs.run_tally, "tally"),
        CronTrigger.from_crontab(schedule.tally_cron, timezone=zone),
        id="tally",
        next_run_time=start,
        **common,
    )
    scheduler.add_job(
        stops_quietly(jobs.run_qa_sample, "qa-sample"),
        IntervalTrigger(minutes=schedule.qa_every_minutes, timezone=zone),
        id="qa-sample",
        next_run_time=start,
        **common,
    )
    scheduler.add_job(
        stops_quietly(jobs.run_auto_approve, "auto-approve"),
        IntervalTrigger(minutes=schedule.auto_approve_every_minutes, timezone=zone),
        id="auto-approve",
        **common,
    )
    scheduler.add_job(
        stops_quietly(jobs.run_budget_watch, "budget-watch"),
        IntervalTrigger(seconds=schedule.lease_sweep_every_seconds, timezone=zone),
        id="budget-watch",
        **common,
    )
    scheduler.add_job(
        stops_quietly(jobs.run_lease_sweep, "lease-sweep"),
        IntervalTrigger(seconds=schedule.lease_sweep_every_seconds, timezone=zone),
        id="lease-sweep",
        **common,
    )
    return scheduler
