"""The cards a tally posts: the summary (with pseudonyms when configured), each writer's private
line with their rates and work awaiting review, the budgets spent, and the chart. Pure building;
`bot/scheduler.py` decides when and where they go."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from typing import Any

from bot import render
from bot.chart import tally_chart
from bot.handlers import fair_work
from bot.handlers.context import BotContext
from bot.handlers.fair_work import EveryWritersNotes
from bot.ui import Card
from taskbank.models import Period, Project, Tally, TallyLine
from taskbank.money import format_cents
from taskbank.shares import percent_of

# pyplot keeps global state: charts drawn in worker threads are drawn one at a time.
_PYPLOT = threading.Lock()


def pseudonym(writer_id: str) -> str:
    """A stable stand-in for a writer's name in the public summary."""
    return "Writer " + hashlib.sha256(writer_id.encode()).hexdigest()[:6]


def summary_card(
    tally: Tally, title: str, currency: str, *, pseudonyms: bool, zone: str
) -> tuple[dict[str, str] | None, Card]:
    """The summary card (run in a worker thread), with the pseudonyms it shows, if any."""
    names = (
        {line.writer_id: pseudonym(line.writer_id) for line in tally.lines} if pseudonyms else None
    )
    return names, render.tally_card(tally, title, currency, names, zone=zone)


def private_card(
    ctx: BotContext, period: Period, line: TallyLine, notes: EveryWritersNotes
) -> Card:
    """A writer's own line, with their honest rates against the floor and their projects'
    targets and their work awaiting review, as `/earnings` shows them (read for every writer at
    once: `notes`)."""
    card = render.tally_card(
        Tally(period_start=period.start, period_end=period.end, lines=[line]),
        f"Your pay, {period.label}",
        ctx.currency,
        zone=ctx.time_zone,
    )
    writer = line.writer_id
    return fair_work.earnings_blocks(
        ctx, card, notes.rates.get(writer), notes.waiting.get(writer, [])
    )


def budget_lines(spend: Iterable[tuple[Project, int]], currency: str) -> list[str]:
    """Each capped project's spend against its cap."""
    lines = []
    for project, spent in spend:
        if project.budget_cap_cents:
            lines.append(
                f"{project.name}: {format_cents(spent, currency)} of "
                f"{format_cents(project.budget_cap_cents, currency)} ({percent_of(spent, project.budget_cap_cents)})"
            )
    return lines


def drawn(days: Any, title: str, currency: str) -> bytes:
    """The tally chart, drawn in a worker thread (see Jobs._post_summary)."""
    with _PYPLOT:
        return tally_chart(days, title, currency)
