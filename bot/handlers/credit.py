"""`/credit <project> <name>` and `/credit <project> off`: a writer opts in (or out) of being
credited on a project's exports under a name they choose; `/credit` alone lists their credits.

The project's name may hold spaces: Slack sends the words split, Discord the option whole, so the
longest run of leading words that names a project is the project and the rest is the name.
"""

from __future__ import annotations

from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card
from taskbank.errors import Problem, ValidationFailed

CREDIT_USAGE = "/credit <project> <name>, e.g. /credit Dialogue Ana Lima; /credit <project> off"


async def credit_command(ctx: BotContext, event: CommandEvent) -> None:
    """Set, change or withdraw a credit, and say privately what exports will show."""
    ctx.roles.require(event.actor, Role.WRITER, "/credit")
    writer = event.actor.key
    if not event.args:
        await ctx.reply(event, await _credits_card(ctx, writer))
        return
    project, name = _project_and_name(await ctx.bank.project_names(), event.args)
    credit = await ctx.bank.set_credit(writer, project, name)
    if credit.name is None:
        card = Card(
            title=f"Not credited on {credit.project}",
            blocks=("Its exports name your work by a pseudonym, and count you anonymously.",),
            tone="success",
        )
    else:
        card = Card(
            title=f"Credited on {credit.project} as {credit.name}",
            blocks=(
                "Its exports now carry this name on your rows and in the contributors file, "
                f"with your tasks and hours. `/credit {credit.project} off` withdraws it.",
            ),
            tone="success",
        )
    await ctx.reply(event, card)


def _project_and_name(projects: list[str], args: tuple[str, ...]) -> tuple[str, str]:
    known = {name.casefold(): name for name in projects}
    for cut in range(len(args) - 1, 0, -1):
        candidate = " ".join(args[:cut]).casefold()
        if candidate in known:
            return known[candidate], " ".join(args[cut:])
    if len(args) == 1 and args[0].casefold() in known:
        raise ValidationFailed(
            [Problem("name", f"give the name to be credited as; {CREDIT_USAGE}")]
        )
    listed = ", ".join(projects) or "none yet"
    raise ValidationFailed(
        [Problem("project", f"no project named '{args[0]}' (projects: {listed}); {CREDIT_USAGE}")]
    )


async def _credits_card(ctx: BotContext, writer: str) -> Card:
    credits = await ctx.bank.credits_of(writer)
    lines = tuple(f"{c.project}: credited as {c.name}" for c in credits)
    return Card(
        title="Your credits",
        blocks=lines or ("You are not credited on any project: exports use a pseudonym.",),
        footer=CREDIT_USAGE,
    )
