"""`taskbot tally`: the pay tally for the current period, printed in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config
from taskbank.money import format_cents
from taskbank.periods import period_containing


def tally(
    period: Annotated[str, typer.Option(help="day, week or month")] = "week",
    writer: Annotated[str | None, typer.Option(help="Only this writer's line.")] = None,
    config: ConfigOption = None,
) -> None:
    """Print the pay tally for the current period."""
    if period not in ("day", "week", "month"):
        fail(f"--period must be day, week or month, not '{period}'", 2)

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            span = period_containing(bank.now(), period, cfg.locale.time_zone)  # type: ignore[arg-type]
            result = await bank.tally(span, writer)
            money = lambda cents: format_cents(cents, cfg.locale.currency)  # noqa: E731
            table = Table(
                "writer",
                "submitted",
                "approved",
                "rejected",
                "pending",
                "paid",
                "pending pay",
                "time on task",
                "per hour",
                title=f"Tally, {span.label} ({cfg.locale.time_zone})",
            )
            for line in [*result.lines, result.totals]:
                hourly = line.effective_hourly_cents
                table.add_row(
                    line.writer_id,
                    str(line.submitted),
                    str(line.approved),
                    str(line.rejected),
                    str(line.pending),
                    money(line.total_cents),
                    money(line.pending_cents),
                    f"{line.seconds_on_task // 3600}h{line.seconds_on_task % 3600 // 60:02d}m",
                    "—" if hourly is None else money(hourly),
                )
            out.print(table)

    run(config, work)
