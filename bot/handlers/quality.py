"""Coordinators and quality: who is paused and `/reinstate`, and telling a writer at once that an
answer paused them; shared by the chat and the CLI."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import render
from bot.arguments import named_writer, whole_number
from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.port import UNTOLD, if_reachable
from bot.roles import Role
from bot.ui import Field
from taskbank.errors import Problem, ValidationFailed
from taskbank.qualification import Pause
from taskbank.quality_flow import pause_words
from taskbank.service import TaskBank

REINSTATE_USAGE = "/reinstate <writer> <batch id>"


def pause_line(pause: Pause, zone: str) -> str:
    """One paused writer, for coordinators (in the terminal): who, where, since when in the
    configured zone (named), and why."""
    when = pause.paused_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"{pause.writer_id} on batch {pause.batch_id} since {when}:"
        f" {pause.gold_correct} of {pause.gold_answered} gold answers right"
    )


async def paused_field(bank: TaskBank, batch_id: int) -> Field:
    """The 'Paused writers' line of a batch's status."""
    paused = await bank.paused_writers(batch_id)
    shown = ", ".join(
        f"{p.writer_id} ({p.gold_correct}/{p.gold_answered} gold)" for p in paused[:10]
    )
    more = f" and {len(paused) - 10} more" if len(paused) > 10 else ""
    return Field("Paused writers", (shown + more) if paused else "none")


async def tell_writer_of_pause(ctx: BotContext, pause: Pause) -> None:
    """Tell a writer privately, the moment an answer pauses them, why and with their record
    (recorded in the outbox as job 'pause', so each pause is told once)."""
    words = pause_words(pause)
    card = render.notice_card(
        f"Paused on batch {pause.batch_id}", words[0].upper() + words[1:] + ".", "warning"
    )
    await if_reachable(
        ctx.bank.send_once(
            "pause",
            f"{pause.batch_id}:{pause.last_submission_id}",
            pause.writer_id,
            lambda retry: ctx.port.send_direct(pause.writer_id, card),
        )
    )


async def reinstate_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/reinstate <writer> <batch id>`: let a paused writer claim from the batch again; the
    writer is told privately."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/reinstate")
    if len(event.args) != 2:
        raise ValidationFailed([Problem("usage", f"usage: {REINSTATE_USAGE}")])
    writer = named_writer(event.args[0], event.actor.platform, REINSTATE_USAGE)
    batch_id = whole_number(event.args[1], "batch id")
    pause = await ctx.bank.reinstate(batch_id, writer, by=event.actor.key)
    told = await if_reachable(
        ctx.port.send_direct(
            writer,
            render.notice_card(
                "You can claim again",
                f"A coordinator reinstated you on batch {batch_id}. Your quality-check record"
                " starts afresh from your next answer.",
            ),
        )
    )
    await ctx.reply(
        event,
        render.notice_card(
            "Writer reinstated",
            f"{writer} may claim from batch {batch_id} again (was: {pause.gold_correct} of"
            f" {pause.gold_answered} gold answers right). Their next window starts now."
            + ("" if told is not None else f" {UNTOLD}"),
        ),
    )
