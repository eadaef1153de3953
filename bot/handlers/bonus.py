"""`/bonus <writer> <amount> <reason>`: a coordinator pays a writer a bonus, told privately."""

from __future__ import annotations

import logging

from bot.arguments import named_writer, whole_number
from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.port import UNTOLD, if_reachable
from bot.roles import Role
from bot.ui import Card
from taskbank.bonuses import parse_amount
from taskbank.errors import Problem, ValidationFailed
from taskbank.money import format_cents

log = logging.getLogger(__name__)

BONUS_USAGE = "/bonus <writer> <amount> <reason>, e.g. /bonus @ana 2.50 careful notes on act two"
RULE_USAGE = (
    "/bonus batch <id> gold <percent> <amount> <reason>, e.g. /bonus batch 3 gold 90 1.00 sharp"
)


async def bonus_command(ctx: BotContext, event: CommandEvent) -> None:
    """Grant the bonus (a ledger entry), tell the writer privately, confirm to the coordinator."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/bonus")
    if event.args[:1] == ("batch",):
        await batch_rule(ctx, event)
        return
    if len(event.args) < 3:
        raise ValidationFailed([Problem("usage", f"expected {BONUS_USAGE}")])
    writer = named_writer(event.args[0], event.actor.platform, BONUS_USAGE)
    cents = parse_amount(event.args[1], ctx.currency)
    reason = " ".join(event.args[2:])
    entry = await ctx.bank.grant_bonus(writer, cents, reason, event.actor.key)
    amount = format_cents(entry.amount_cents, ctx.currency)
    paid = Card(title=f"Bonus of {amount} paid to {writer}", tone="success")
    try:
        await ctx.port.send_direct(
            writer,
            Card(title=f"A bonus of {amount}", blocks=(f"For: {reason.strip()}",), tone="success"),
        )
    except Exception as error:  # paid all the same: say so, so nobody pays it twice
        log.warning("bonus %s paid, but its note to %s failed: %s", entry.id, writer, error)
        paid = Card(
            title=f"Bonus of {amount} paid to {writer}",
            blocks=(f"They could not be told privately ({error}); tell them yourself.",),
            tone="warning",
        )
    await ctx.reply(event, paid)


async def batch_rule(ctx: BotContext, event: CommandEvent) -> None:
    """`/bonus batch <id> gold <percent> <amount> <reason>`: every writer of the batch whose gold
    accuracy reaches the share gets the amount, told privately."""
    args = event.args
    if len(args) < 6 or args[2] != "gold":
        raise ValidationFailed([Problem("usage", f"expected {RULE_USAGE}")])
    batch_id = whole_number(args[1], "batch id")
    percent = whole_number(args[3].rstrip("%"), "percentage")
    cents = parse_amount(args[4], ctx.currency)
    reason = " ".join(args[5:])
    paid = await ctx.bank.gold_accuracy_bonus(batch_id, percent, cents, reason, event.actor.key)
    amount = format_cents(cents, ctx.currency)
    untold = []
    for bonus in paid:  # paid already: one writer who takes no DMs stops nobody being told
        told = await if_reachable(
            ctx.port.send_direct(
                bonus.writer_id,
                Card(
                    title=f"A bonus of {amount}",
                    blocks=(
                        f"For: {reason.strip()} — {bonus.gold_correct} of {bonus.gold_answered}"
                        f" gold answers right in batch {batch_id}.",
                    ),
                    tone="success",
                ),
            )
        )
        if told is None:
            untold.append(bonus.writer_id)
    await ctx.reply(
        event,
        Card(
            title=f"Batch {batch_id} rule: {amount} paid to {len(paid)} writers",
            blocks=(f"{', '.join(untold)}: {UNTOLD}",) if untold else (),
            tone="success",
        ),
    )
