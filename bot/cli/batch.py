"""`taskbot batch …`: import, list, inspect and export batches.

Other modules add commands to this group with `@batch_app.command(...)` (see bot/cli/__init__.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.bootstrap import opened_bank
from bot.budget import import_warning
from bot.cli.command import (
    ConfigOption,
    cannot_write,
    err,
    fail,
    out,
    read_settings,
    run,
    typer_problem,
)
from bot.config import Config
from bot.failures import shown_url
from bot.handlers.coordinator import BATCH_COLUMNS, batch_rows, status_card
from bot.terminal import literal, literal_progress
from bot.text import plain_times
from taskbank.batchfile import settings_from
from taskbank.batchsettings import BatchSettings
from taskbank.credit import contributors_file_name
from taskbank.errors import Problem, ValidationFailed
from taskbank.export import export_file_name, replacing_file
from taskbank.sample_bank import import_sample_bank
from taskbank.service import TaskBank

MAX_ID = 2**63 - 1  # ids are 64-bit SQL integers

batch_app = typer.Typer(help="Import, list and inspect batches.", no_args_is_help=True)


@batch_app.command("import")
def batch_import(
    files: Annotated[list[Path] | None, typer.Argument(help="JSONL or CSV batch files.")] = None,
    settings: Annotated[
        Path | None, typer.Option(help="JSON file of batch settings, for a CSV file.")
    ] = None,
    samples: Annotated[
        bool, typer.Option("--samples", help="Import the bundled sample bank.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Import batch files whole: a file with any bad line imports nothing."""
    if not files and not samples:
        fail("give batch files to import, or --samples", 2)

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            if samples:
                imported = await import_sample_bank(bank)
                out.print(f"imported {len(imported)} sample batch(es) into {cfg.database.url}")
            # Read and checked once, for every file it goes with.
            extra = (
                None
                if settings is None
                else settings_from(read_settings(settings), settings.name, prefix="")
            )
            if len(files or []) > 1:  # every file checked before any is stored
                await check_every_file(bank, files or [], extra)
            for file in files or []:
                if not file.exists():
                    raise ValidationFailed([typer_problem(file, "does not exist")])
                with err.status(literal(f"importing {file.name}…")):
                    batch = await bank.import_batch(file, settings=extra)
                progress = await bank.batch_progress(batch.id)
                warning = await import_warning(bank, batch, cfg.locale.currency)
                if warning:
                    err.print(literal(("warning:", "yellow"), " ", warning))
                out.print(
                    f"imported batch {batch.id} '{batch.name}': {progress.tasks} "
                    f"task{'' if progress.tasks == 1 else 's'} from {file}"
                )

    run(config, work)


async def check_every_file(bank: TaskBank, files: list[Path], extra: BatchSettings | None) -> None:
    """Check several batch files before importing any: every problem of every file, and two
    files naming the same batch, or a batch that exists, refuse them all, nothing imported."""
    problems: list[Problem] = []
    named: dict[tuple[str, str], Path] = {}
    existing = {
        ((await bank.project(batch.project_id)).name, batch.name)
        for batch in await bank.list_batches()
    }
    for file in files:
        with err.status(literal(f"checking {file.name}…")):
            try:
                key = await bank.check_batch_file(file, settings=extra)
            except ValidationFailed as refused:
                problems += refused.problems
                continue
        if key in named:
            problems.append(typer_problem(file, f"names batch '{key[1]}' as {named[key]} does"))
        elif key in existing:
            problems.append(typer_problem(file, f"batch '{key[1]}' already exists in '{key[0]}'"))
        named.setdefault(key, file)
    if problems:
        raise ValidationFailed(
            problems, summary=f"{len(files)} files checked: nothing was imported"
        )


@batch_app.command("list")
def batch_list(config: ConfigOption = None) -> None:
    """List batches with their state and progress."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg, existing=True) as bank:
            rows = await batch_rows(bank, cfg.locale.currency)
            if not rows:
                out.print(
                    f"no batches in {shown_url(cfg.database.url)} yet; import one with "
                    "`taskbot batch import FILE.jsonl`, or the samples with "
                    "`taskbot batch import --samples`"
                )
                return
            table = Table(box=None, header_style="bold underline", pad_edge=False)
            for column in BATCH_COLUMNS:
                # A long name folds onto a second line whole; the rest keep their headers.
                name = column in ("name", "template")
                table.add_column(
                    column,
                    overflow="fold",
                    no_wrap=not name,
                    min_width=None if name else len(column),
                )
            for row in rows:
                table.add_row(*row)
            out.print(table)

    run(config, work)


@batch_app.command("status")
def batch_status(
    batch_id: Annotated[
        int, typer.Argument(help="The batch id (see `taskbot batch list`).", min=1, max=MAX_ID)
    ],
    config: ConfigOption = None,
) -> None:
    """Progress, throughput and pending reviews of one batch."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg, existing=True) as bank:
            policy = cfg.fair_work.policy(cfg.schedule.auto_approve_hours)
            card = await status_card(
                bank, batch_id, cfg.locale.currency, policy, cfg.locale.time_zone
            )
            table = Table("", "", title=card.title, show_header=False)
            for field in card.fields:  # a terminal has no time tokens: the configured zone's
                table.add_row(field.label, plain_times(field.value))
            out.print(table)

    run(config, work)


@batch_app.command("export")
def batch_export(
    batch_id: Annotated[int, typer.Argument(help="The batch id.", min=1, max=MAX_ID)],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: <batch name>.<format>)."),
    ] = None,
    file_format: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    consensus: Annotated[
        bool,
        typer.Option(
            "--consensus", help="One row per task: consensus answer, confidence and method."
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Export every answer of a batch with provenance, showing progress (or, with --consensus,
    each task's aggregated answer)."""
    if file_format not in ("jsonl", "csv"):
        fail(f"--format must be jsonl or csv, not '{file_format}'", 2)

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg, existing=True) as bank:
            batch = await bank.batch(batch_id)
            total = sum((await bank.batch_progress(batch_id)).submissions.values())
            # The batch's name is a file's or a person's: made safe, it stays in this folder.
            name = f"{batch.name}.consensus" if consensus else batch.name
            path = output or Path(export_file_name(name, file_format))  # type: ignore[arg-type]
            try:
                existed = path.is_file()
            except OSError:  # a name the file system cannot hold: the check below says so
                existed = False
            try:
                if consensus:
                    with replacing_file(path) as handle:
                        count = await bank.export_consensus(batch_id, handle, file_format)  # type: ignore[arg-type]
                    out.print(f"exported consensus for {count} tasks of batch {batch_id} to {path}")
                    return
                with replacing_file(path) as handle, literal_progress(err) as bar:
                    task = bar.add_task(f"exporting {batch.name}", total=total)
                    count = await bank.export(
                        batch_id,
                        handle,
                        file_format,  # type: ignore[arg-type]
                        progress=lambda done: bar.update(task, completed=done),
                    )
                # Beside the rows: who is credited (opted in on the project), the rest counted.
                credits = contributors_file_name(path)
                with replacing_file(credits) as handle:
                    named, others = await bank.export_contributors(batch_id, handle)
            except ValidationFailed as refused:  # the place cannot take the file
                cannot_write("export", path, refused, "--output")
            except OSError as error:
                kept = "the file already there is unchanged" if existed else "nothing was written"
                fail(f"could not write {path}: {error.strerror or error}; {kept}", 1)
            out.print(f"exported {count} answers from batch {batch_id} to {path}")
            out.print(
                f"contributors: {named} credited, {others} more counted anonymously, in {credits}"
            )

    run(config, work)
