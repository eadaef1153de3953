"""`/bonus <writer> <amount> <reason>`: a coordinator pays a writer a bonus, told privately."""

from __future__ import annotations

import re

from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card
from taskbank.bonuses import parse_amount
from taskbank.errors import Problem, ValidationFailed
from taskbank.money import format_cents

BONUS_USAGE = "/bonus <writer> <amount> <reason>, e.g. /bonus @ana 2.50 careful notes on act two"
# A chat mention (Slack's <@U123|name>, Discord's <@123> or <@!123>), a 'platform:id' or a bare id.
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_KEY = re.compile(r"^[a-z]+:[A-Za-z0-9_.-]{1,64}$")
_BARE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def writer_key(text: str, platform: str) -> str:
    """The bank's key for the writer a coordinator named, or a refusal."""
    if mention := _MENTION.match(text):
        return f"{platform}:{mention[1]}"
    if _KEY.match(text):
        return text
    if _BARE.match(text.lstrip("@")):
        return f"{platform}:{text.lstrip('@')}"
    raise ValidationFailed(
        [Problem("usage", f"'{text[:40]}' names no writer; expected {BONUS_USAGE}")]
    )


async def bonus_command(ctx: BotContext, event: CommandEvent) -> None:
    """Grant the bonus (a ledger entry), tell the writer privately, confirm to the coordinator."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/bonus")
    if len(event.args) < 3:
        raise ValidationFailed([Problem("usage", f"expected {BONUS_USAGE}")])
    writer = writer_key(event.args[0], event.actor.platform)
    cents = parse_amount(event.args[1])
    reason = " ".join(event.args[2:])
    entry = await ctx.bank.grant_bonus(writer, cents, reason, event.actor.key)
    amount = format_cents(entry.amount_cents, ctx.currency)
    await ctx.port.send_direct(
        writer,
        Card(title=f"A bonus of {amount}", blocks=(f"For: {reason.strip()}",), tone="success"),
    )
    await ctx.reply(event, Card(title=f"Bonus of {amount} paid to {writer}", tone="success"))
