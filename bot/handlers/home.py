"""A person's home view (Slack's App Home tab): for writers their rates this week, work awaiting
approval with its dates, and open work with estimates; for coordinators their open batches with
progress and pay calibration, and the appeals waiting for them."""

from __future__ import annotations

from bot import fairwork_render as show
from bot import render
from bot.events import Actor, HomeEvent
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card
from taskbank.models import BatchState
from taskbank.periods import period_containing


async def show_home(ctx: BotContext, event: HomeEvent) -> None:
    """The person's home card, shown privately where they opened it (their home view)."""
    await ctx.reply(event, await home_card(ctx, event.actor))


async def home_card(ctx: BotContext, actor: Actor) -> Card:
    """Everything a person sees on their home view, as one card."""
    blocks: list[str] = []
    if ctx.roles.has(actor, Role.WRITER):
        week = period_containing(ctx.bank.now(), "week", ctx.time_zone)
        rates = await ctx.bank.hourly_rates(week, actor.key)
        waiting = await ctx.bank.awaiting_approval(actor.key, ctx.fair_work.approval_window)
        offers = await ctx.bank.open_work(actor.key, ctx.fair_work.min_timings)
        menu = show.work_menu(offers, ctx.fair_work, ctx.time_zone, ctx.currency)
        blocks += [
            f"This week ({week.label}: {render.period_span(week.start, week.end, ctx.time_zone)})\n"
            + show.rate_block(rates[0] if rates else None, ctx.fair_work, ctx.currency),
            show.approval_block(waiting, ctx.time_zone, ctx.currency),
            "Open work (claim with /work):\n" + menu.blocks[0],
        ]
    if ctx.roles.has(actor, Role.COORDINATOR):
        lines = []
        for batch in await ctx.bank.list_batches():
            if batch.state != BatchState.OPEN:
                continue
            progress = await ctx.bank.batch_progress(batch.id)
            answered = sum(progress.submissions.values())
            cal = await ctx.bank.pay_calibration(
                batch.id, ctx.fair_work.floor_hourly_cents, ctx.fair_work.min_timings
            )
            lines.append(
                f"{batch.id} {batch.name}: {answered} of {progress.slots} answers · "
                + show.calibration_text(cal, ctx.currency, "pay")
            )
        appeals = await ctx.bank.open_appeals()
        blocks += [
            "Your open batches:\n" + ("\n".join(lines) or "none"),
            f"Appeals waiting for a decision: {len(appeals)} (/appeal list)",
        ]
    return Card(title="Taskbot", blocks=tuple(b for b in blocks if b))
