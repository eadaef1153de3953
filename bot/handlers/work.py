"""`/work`: open work as a menu before claiming — per batch its pay, how long its tasks take,
the hourly rate that makes, what is left, the deadline and the approval window — and a button
per batch that claims from it."""

from __future__ import annotations

from dataclasses import dataclass

from bot import fairwork_render as show
from bot.actions import Action
from bot.events import ActionEvent, CommandEvent
from bot.handlers.context import BotContext
from bot.handlers.writer import offer_task
from bot.roles import Role

_ID = r"[0-9]{1,18}"


@dataclass(frozen=True)
class ClaimFrom(Action, template=rf"work:(?P<batch_id>{_ID})"):
    """Claim the next task of one batch, chosen from the `/work` menu."""

    batch_id: int


async def work_command(ctx: BotContext, event: CommandEvent) -> None:
    """The open-work menu, privately."""
    ctx.roles.require(event.actor, Role.WRITER, "/work")
    offers = await ctx.bank.open_work(event.actor.key, ctx.fair_work.min_timings)
    card = show.work_menu(offers, ctx.fair_work, ctx.time_zone, ctx.currency)
    await ctx.reply(event, card)


async def claim_from(ctx: BotContext, event: ActionEvent, action: ClaimFrom) -> None:
    """A batch chosen from the menu: its next task, on the menu's own message."""
    ctx.roles.require(event.actor, Role.WRITER, "Claiming")
    await offer_task(
        ctx, event.actor, event.place, event.message, event.context, wanted=str(action.batch_id)
    )
