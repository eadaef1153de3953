"""Fair-work figures added to the cards writers and coordinators already get: the honest hourly
rate on `/earnings`, each tally and each saved card, and when waiting work is approved."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot import fairwork_render as show
from bot import render
from bot.arguments import at_most
from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.port import if_reachable
from bot.render import local_time
from bot.roles import Role
from bot.ui import Card, FileUpload
from taskbank.errors import Problem, ValidationFailed
from taskbank.fairpay import AwaitingApproval, HourlyRate
from taskbank.models import BatchState, Period, Submission, SubmissionStatus
from taskbank.periods import period_containing


async def earnings_notes(ctx: BotContext, card: Card, period: Period, writer_id: str) -> Card:
    """A writer's own card with their rates for the period and their work awaiting review."""
    rates = await ctx.bank.hourly_rates(period, writer_id)
    waiting = await ctx.bank.awaiting_approval(writer_id, ctx.fair_work.approval_window)
    return earnings_blocks(ctx, card, rates[0] if rates else None, waiting)


@dataclass(frozen=True)
class EveryWritersNotes:
    """What every writer's private tally card adds, read once for all of them."""

    rates: Mapping[str, HourlyRate]
    waiting: Mapping[str, list[AwaitingApproval]]


async def every_writers_notes(ctx: BotContext, period: Period) -> EveryWritersNotes:
    """Every writer's rates and work awaiting review, for a tally's private cards: a few reads
    in all, where `earnings_notes` per writer made several each (147 s for 20,000 writers on
    PostgreSQL)."""
    rates = await ctx.bank.hourly_rates(period)
    waiting = await ctx.bank.awaiting_approval_by_writer(ctx.fair_work.approval_window)
    return EveryWritersNotes({rate.writer_id: rate for rate in rates}, waiting)


def earnings_blocks(
    ctx: BotContext, card: Card, rate: HourlyRate | None, waiting: list[AwaitingApproval]
) -> Card:
    """A writer's card with their rates and their work awaiting review, as /earnings shows it."""
    return show.with_blocks(
        card,
        show.rate_block(rate, ctx.fair_work, ctx.currency),
        show.approval_block(waiting, ctx.time_zone, ctx.currency),
    )


async def tally_notes(
    ctx: BotContext,
    card: Card,
    period: Period,
    names: Mapping[str, str] | None = None,
    rates: Sequence[HourlyRate] | None = None,
) -> Card:
    """A tally with every writer's rates for the work done in its period (`rates`: as read
    already for the private cards)."""
    if rates is None:
        rates = await ctx.bank.hourly_rates(period)
    calibrations = []
    for batch in await ctx.bank.list_batches():
        if batch.state == BatchState.OPEN:
            cal = await ctx.bank.pay_calibration(
                batch.id, ctx.fair_work.floor_hourly_cents, ctx.fair_work.min_timings
            )
            calibrations.append(
                show.calibration_text(cal, ctx.currency, f"Batch {batch.id} {batch.name}")
            )
    # Every writer's rates, written out: off the loop (thousands of writers take a while).
    summary = await asyncio.to_thread(show.rates_summary, rates, ctx.currency, names)
    return show.with_blocks(
        card,
        summary,
        "Pay calibration (open batches):\n" + "\n".join(calibrations) if calibrations else "",
    )


async def saved_card_notes(ctx: BotContext, card: Card, submission: Submission) -> Card:
    """A saved answer's card with when it is approved automatically and this week's rates."""
    notes = []
    if submission.status == SubmissionStatus.PENDING:
        by = submission.submitted_at + ctx.fair_work.approval_window
        notes.append(
            f"Approved and paid automatically by {local_time(by, ctx.time_zone)}"
            " unless a reviewer decides first."
        )
    week = period_containing(ctx.bank.now(), "week", ctx.time_zone)
    rates = await ctx.bank.hourly_rates(week, submission.writer_id)
    if rates:
        notes.append("This week: " + show.rate_headline(rates[0], ctx.currency) + ".")
    return show.with_blocks(card, *notes)


async def tell_writer_of_rejection(ctx: BotContext, submission_id: int) -> None:
    """Tell the writer privately, at once, why their answer was rejected and until when they may
    appeal (recorded in the outbox, so each writer is told once)."""
    notice = await ctx.bank.rejection_notice(submission_id, ctx.fair_work.appeal_window)
    card = show.rejection_card(notice, ctx.time_zone)
    await if_reachable(
        ctx.bank.send_once(
            "rejection",
            str(submission_id),
            notice.writer_id,
            lambda retry: ctx.port.send_direct(notice.writer_id, card),
        )
    )


async def tell_automatic_rejections(ctx: BotContext) -> int:
    """Tell writers of gold-check rejections of the last day not yet told; returns how many."""
    untold = await ctx.bank.untold_automatic_rejections(timedelta(days=1))
    for submission_id in untold:
        await tell_writer_of_rejection(ctx, submission_id)
    return len(untold)


async def pay_top_ups(ctx: BotContext, period: Period, period_key: str) -> None:
    """At tally time, top opted-in projects' writers up to the target and tell each privately
    (each told once, however often the tally runs)."""
    paid = await ctx.bank.top_up_to_target(period, period_key, ctx.fair_work.top_up_projects)
    for top_up in paid:
        card = show.top_up_card(top_up, period.label, ctx.currency)
        await if_reachable(
            ctx.bank.send_once(
                "top-up",
                f"{period_key}:{top_up.project_name}",
                top_up.writer_id,
                lambda retry, card=card, to=top_up.writer_id: ctx.port.send_direct(to, card),
            )
        )


async def without_author(ctx: BotContext, card: Card, project_id: int) -> Card:
    """A review card without its author's name, unless the project shows authors to reviewers."""
    project = await ctx.bank.project(project_id)
    if project.name in ctx.fair_work.authors_shown_to_reviewers:
        return card
    return replace(card, fields=tuple(f for f in card.fields if f.label != "Writer"))


async def send_record(ctx: BotContext, event: CommandEvent) -> None:
    """`/earnings export`: the writer's own record as a CSV, to them alone."""
    text, rows = await ctx.bank.writer_record_csv(event.actor.key)
    upload = FileUpload("my-taskbot-record.csv", text.encode(), f"Your record: {rows} rows")
    await ctx.port.upload_file(event.place, upload, to=event.actor)


async def earnings_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/earnings [day|week|month|export]`: the writer's own tally (or record), privately."""
    ctx.roles.require(event.actor, Role.WRITER, "/earnings")
    at_most(event.args, 1, "/earnings [day|week|month|export]")
    kind = event.args[0] if event.args else "week"
    if kind == "export":
        await send_record(ctx, event)
        return
    if kind not in ("day", "week", "month"):
        raise ValidationFailed([Problem("period", "expected day, week or month")])
    period = period_containing(ctx.bank.now(), kind, ctx.time_zone)  # type: ignore[arg-type]
    tally = await ctx.bank.tally(period, writer_id=event.actor.key)
    card = render.tally_card(
        tally, f"Your earnings, {period.label}", ctx.currency, zone=ctx.time_zone
    )
    await ctx.reply(event, await earnings_notes(ctx, card, period, event.actor.key))
