"""`/appeal`: writers contest a rejection; coordinators list, uphold or deny appeals and read how
each reviewer's rejections fared."""

from __future__ import annotations

from bot import fairwork_render as show
from bot.arguments import at_most, whole_number
from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.port import UNTOLD, if_reachable
from bot.roles import Role
from bot.ui import Card
from taskbank.appeals import AppealCase
from taskbank.errors import Problem, ValidationFailed

APPEAL_USAGE = (
    "/appeal <submission> <what the reviewer missed> | list | uphold <appeal> [note]"
    " | deny <appeal> <reason> | report"
)


def _usage(message: str) -> ValidationFailed:
    return ValidationFailed([Problem("usage", f"{message}; expected {APPEAL_USAGE}")])


async def appeal_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/appeal …`: file an appeal (writers) or hear one (coordinators)."""
    if not event.args:
        raise _usage("say which submission you appeal")
    verb, rest = event.args[0], event.args[1:]
    if verb in ("list", "uphold", "deny", "report"):
        ctx.roles.require(event.actor, Role.COORDINATOR, f"/appeal {verb}")
        await _coordinate(ctx, event, verb, rest)
        return
    ctx.roles.require(event.actor, Role.WRITER, "/appeal")
    submission_id = whole_number(verb, "submission number")
    case = await ctx.bank.file_appeal(
        submission_id, event.actor.key, " ".join(rest), ctx.fair_work.appeal_window
    )
    await route_to_coordinators(ctx, case)
    await ctx.reply(
        event,
        Card(
            title=f"Appeal {case.appeal.id} filed: {case.task.external_id}",
            blocks=(
                "A coordinator who did not review your answer will decide; you will hear here.",
            ),
            tone="success",
        ),
    )


async def route_to_coordinators(ctx: BotContext, case: AppealCase) -> None:
    """Send the appeal's card to each coordinator named in the roles who is neither the reviewer
    who rejected nor the writer; with none named, to the coordinators' channel."""
    card = show.appeal_card(case)
    barred = {case.appeal.reviewer_id, case.appeal.writer_id}
    deciders = [
        entry
        for entry in ctx.roles.coordinators
        if entry.count(":") == 1 and entry not in barred and entry != "*"
    ]
    if not deciders:
        await ctx.port.post_card(ctx.coordinator_place, card)
        return
    reached = [
        await if_reachable(ctx.port.send_direct(coordinator, card)) for coordinator in deciders
    ]
    if all(ref is None for ref in reached):  # nobody takes DMs: the channel, so it is seen
        await ctx.port.post_card(ctx.coordinator_place, card)


async def _coordinate(
    ctx: BotContext, event: CommandEvent, verb: str, rest: tuple[str, ...]
) -> None:
    if verb in ("list", "report"):
        at_most(rest, 0, f"/appeal {verb}")
    if verb == "list":
        waiting = await ctx.bank.open_appeals()
        await ctx.reply(event, show.open_appeals_card(waiting, ctx.time_zone))
        return
    if verb == "report":
        await ctx.reply(event, show.appeal_report_card(await ctx.bank.appeal_report()))
        return
    if not rest:
        raise _usage(f"say which appeal to {verb}")
    appeal_id = whole_number(rest[0], "appeal number")
    note = " ".join(rest[1:])
    case = await ctx.bank.decide_appeal(appeal_id, event.actor.key, verb == "uphold", note)
    told = await if_reachable(
        ctx.port.send_direct(case.appeal.writer_id, show.appeal_decision_card(case, ctx.currency))
    )
    await ctx.reply(
        event,
        Card(
            title=f"Appeal {appeal_id} {case.appeal.outcome}",
            blocks=() if told is not None else (UNTOLD,),
            tone="success",
        ),
    )
