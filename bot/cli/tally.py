"""`taskbot tally`: the pay tally for the current period, printed in the terminal."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config
from bot.render import duration_text
from taskbank.models import Period
from taskbank.money import format_cents
from taskbank.periods import period_containing
from taskbank.service import TaskBank


def tally(
    period: Annotated[str, typer.Option(help="day, week or month")] = "week",
    writer: Annotated[str | None, typer.Option(help="Only this writer's line.")] = None,
    config: ConfigOption = None,
) -> None:
    """Print the pay tally for the current period."""
    if period not in ("day", "week", "month"):
        fail(f"--period must be day, week or month, not '{period}'", 2)

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg, existing=True) as bank:
            span = period_containing(bank.now(), period, cfg.locale.time_zone)  # type: ignore[arg-type]
            if writer is not None:
                await known_writer(bank, writer)
            result = await bank.tally(span, writer)
            # The honest rates (work done in the period, unpaid time counted), not cash ÷ time.
            rates = {rate.writer_id: rate for rate in await bank.hourly_rates(span, writer)}
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
                "/h approved work",
                "/h everything",
                title=f"Tally, {span.label} ({cfg.locale.time_zone})",
            )
            per_hour = lambda cents: "—" if cents is None else money(cents)  # noqa: E731
            for line in [*result.lines, result.totals]:
                rate = rates.get(line.writer_id)
                table.add_row(
                    line.writer_id,
                    str(line.submitted),
                    str(line.approved),
                    str(line.rejected),
                    str(line.pending),
                    money(line.total_cents),
                    money(line.pending_cents),
                    duration_text(line.seconds_on_task),
                    per_hour(rate and rate.paid_work_hourly_cents),
                    per_hour(rate and rate.all_in_hourly_cents),
                )
            out.print(table)

    run(config, work)


async def known_writer(bank: TaskBank, writer: str) -> None:
    """Refuse a writer with no work on record, suggesting the ids that end in the name given
    (writers are `platform:user`, e.g. `console:wendy`)."""
    ever = Period(datetime(1970, 1, 1, tzinfo=UTC), bank.now() + timedelta(days=1))
    writers = [line.writer_id for line in (await bank.tally(ever)).lines]
    if writer in writers:
        return
    close = [w for w in writers if w.split(":", 1)[-1] == writer] or difflib.get_close_matches(
        writer, writers, n=3
    )
    hint = (
        f"; did you mean {' or '.join(close)}?"
        if close
        else "; writers are named platform:user, e.g. console:wendy or slack:U0123ABCD"
    )
    fail(f"no such writer '{writer}': no work on record{hint}", 2)
