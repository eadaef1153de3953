"""`taskbot writer forget <id>`: replace a writer's ids with their pseudonym everywhere.

Shows what it will rewrite (rows per table) and asks first; `--yes` skips the question (for
scripts). Every ledger sum stays the same: the pseudonym carries them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config
from bot.terminal import literal

writer_app = typer.Typer(help="A writer's data: forget them.", no_args_is_help=True)


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{table} {count}" for table, count in counts.items() if count]
    return ", ".join(shown) or "no rows"


@writer_app.command("forget")
def writer_forget(
    writer: Annotated[
        str, typer.Argument(help="The writer's id as stored, e.g. slack:U0123 or discord:42.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Forget without asking first.")] = False,
    config: ConfigOption = None,
) -> None:
    """Replace a writer's id with a pseudonym in every table (their work, verdicts and every
    ledger sum stay as they were) and remove their credits; nothing ties the rows to them after."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg, existing=True) as bank:
            counts = await bank.forget_preview(writer)
            out.print(literal(f"{writer} is named in: {_counts(counts)}"))
            if not yes and not typer.confirm(
                "Replace these with a pseudonym? This cannot be undone", default=False
            ):
                fail("nothing changed", 1)
            forgotten = await bank.forget_writer(writer)
            changed = _counts(forgotten.changed)
            out.print(literal(f"forgot {forgotten.user_id}: now {forgotten.pseudonym}; {changed}"))

    run(config, work)
