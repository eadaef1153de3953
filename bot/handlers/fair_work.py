"""Fair-work figures added to the cards writers and coordinators already get: the honest hourly
rate on `/earnings`, each tally and each saved card, and when waiting work is approved."""

from __future__ import annotations

from collections.abc import Mapping

from bot import fairwork_render as show
from bot.handlers.context import BotContext
from bot.render import local_time
from bot.ui import Card
from taskbank.models import Period, Submission, SubmissionStatus
from taskbank.periods import period_containing


async def earnings_notes(ctx: BotContext, card: Card, period: Period, writer_id: str) -> Card:
    """A writer's own card with their rates for the period and their work awaiting review."""
    rates = await ctx.bank.hourly_rates(period, writer_id)
    waiting = await ctx.bank.awaiting_approval(writer_id, ctx.fair_work.approval_window)
    return show.with_blocks(
        card,
        show.rate_block(rates[0] if rates else None, ctx.fair_work, ctx.currency),
        show.approval_block(waiting, ctx.time_zone, ctx.currency),
    )


async def tally_notes(
    ctx: BotContext, card: Card, period: Period, names: Mapping[str, str] | None = None
) -> Card:
    """A tally with every writer's rates for the work done in its period."""
    rates = await ctx.bank.hourly_rates(period)
    return show.with_blocks(card, show.rates_summary(rates, ctx.currency, names))


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
