"""`taskbot batch quality N`: agreement per question, each writer's figures, the writers paused
on the batch (since when and why), tasks to adjudicate."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, cannot_write, fail, out, run
from bot.config import Config
from bot.handlers.quality import pause_line
from bot.quality_chart import writer_chart
from bot.quality_view import alpha_text, share
from bot.terminal import literal
from taskbank.errors import ValidationFailed
from taskbank.export import check_export_target, save_file
from taskbank.quality import RESAMPLES
from taskbank.shares import percent

SHOWN_TASKS = 20
MAX_RESAMPLES = 100_000  # bounds the work one command can ask for (the default is 1,000)


def batch_quality(
    batch_id: Annotated[int, typer.Argument(help="The batch id.", min=1, max=2**63 - 1)],
    level: Annotated[
        list[str] | None,
        typer.Option(help="A question's distance, e.g. pacing=ordinal (repeatable)."),
    ] = None,
    resamples: Annotated[
        int,
        typer.Option(
            help=f"Bootstrap resamples, 0 to {MAX_RESAMPLES:,} (each one recomputes every alpha).",
            min=0,
            max=MAX_RESAMPLES,
        ),
    ] = RESAMPLES,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            help="Below this, a task needs adjudication (default: the batch's [quality]"
            " min_confidence, as the adjudication queue uses).",
            min=0,
            max=1,
        ),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(help="Also write a PNG of gold accuracy vs agreement to this file."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Alpha per question with its 95% interval, each writer's gold accuracy, agreement and
    approval, the writers paused on the batch (when and why), and the tasks whose answers reach
    no clear consensus."""
    levels = {}
    for item in level or []:
        question, sep, name = item.partition("=")
        if not sep or not question or not name:
            fail(f"--level takes QUESTION=LEVEL, not '{item}'", 2)
        levels[question] = name
    if chart is not None:
        chart_target(chart)  # before anything is computed or printed

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            quality = await bank.batch_quality(
                batch_id, levels=levels, resamples=resamples, min_confidence=min_confidence
            )
            batch = quality.batch
            out.print(
                f"Batch {batch.id} {batch.name}: {quality.submissions:,} answers on "
                f"{quality.tasks:,} tasks, {quality.shared_tasks:,} answered by two writers or more"
            )
            table = Table(
                "question", "kind", "distance", "alpha [95% CI]", "observed", "tasks", "answers"
            )
            for q in quality.questions:
                observed = "—" if q.observed is None else percent(q.observed)
                table.add_row(
                    q.question_id,
                    q.kind,
                    q.level or "—",
                    alpha_text(q),
                    observed,
                    f"{q.units:,}",
                    f"{q.pairable:,}",
                )
            out.print(table)
            writers = Table("writer", "answers", "gold accuracy", "agreement", "approved")
            for w in quality.writers:
                agreement = (
                    "—" if w.agreement is None else f"{w.agreement:.2f} ({w.pairings:,} pairs)"
                )
                writers.add_row(
                    w.writer_id,
                    f"{w.answers:,}",
                    share(w.gold_correct, w.gold_answers),
                    agreement,
                    share(w.approved, w.reviewed),
                )
            out.print(writers)
            paused = await bank.paused_writers(batch_id)
            out.print(f"Paused writers: {len(paused):,}" if paused else "Paused writers: none")
            for pause in paused:
                out.print(literal(f"  {pause_line(pause, cfg.locale.time_zone)}"))
                out.print(literal(f"    {pause.reason}"))
            waiting = quality.needs_adjudication
            rows = {row.task_id: row for row in quality.consensus.rows()} if waiting else {}
            shown = ", ".join(rows[t].external_id for t in waiting[:SHOWN_TASKS])
            more = (
                f" … and {len(waiting) - SHOWN_TASKS:,} more" if len(waiting) > SHOWN_TASKS else ""
            )
            out.print(
                f"Tasks needing adjudication: {len(waiting):,}"
                + (f" ({shown}{more})" if waiting else "")
            )
            if chart is not None:
                png = writer_chart(quality.writers, f"Batch {batch.id} {batch.name}: writers")
                try:
                    await asyncio.to_thread(save_file, chart, png)
                except ValidationFailed as refused:  # the place changed since the check
                    cannot_write("chart", chart, refused, "--chart")
                except OSError as error:
                    fail(f"could not write the chart to {chart}: {error.strerror or error}", 1)
                out.print(f"chart written to {chart}")

    run(config, work)


def chart_target(path: Path) -> None:
    """Refuse a --chart the PNG cannot be written to, as `batch export -o` is refused: exit 1."""
    try:
        check_export_target(path)
    except ValidationFailed as refused:
        cannot_write("chart", path, refused, "--chart")
