"""`taskbot batch paused` and `taskbot batch reinstate`: who is paused, and letting them back."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, out, run
from bot.config import Config
from bot.handlers.quality import pause_line
from bot.terminal import literal

MAX_ID = 2**63 - 1


def batch_paused(
    batch_id: Annotated[
        int | None,
        typer.Argument(help="Only this batch (default: every batch).", min=1, max=MAX_ID),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Writers paused for low gold accuracy, with their record."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            paused = await bank.paused_writers(batch_id)
            if not paused:
                out.print("no writer is paused")
            for pause in paused:
                out.print(literal(pause_line(pause, cfg.locale.time_zone)))
                out.print(literal(f"  {pause.reason}"))

    run(config, work)


def batch_reinstate(
    batch_id: Annotated[
        int, typer.Argument(help="The batch they were paused on.", min=1, max=MAX_ID)
    ],
    writer: Annotated[
        str, typer.Argument(help="The writer's key, e.g. slack:U0123 or discord:42.")
    ],
    by: Annotated[str, typer.Option(help="Who reinstates them (kept with the pause).")] = "cli",
    config: ConfigOption = None,
) -> None:
    """Let a paused writer claim from a batch again; their next gold window starts afresh."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            pause = await bank.reinstate(batch_id, writer, by=by)
            out.print(
                literal(
                    f"reinstated {writer} on batch {batch_id} (was {pause.gold_correct} of"
                    f" {pause.gold_answered} gold answers right)"
                )
            )

    run(config, work)
