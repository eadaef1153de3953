"""The `taskbot` command: batches, tallies and the database from a terminal."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.config import Config, load_config
from taskbank.errors import TaskbankError, ValidationFailed
from taskbank.money import format_cents
from taskbank.periods import period_containing
from taskbank.service import TaskBank
from taskbank.store import open_store

T = TypeVar("T")
app = typer.Typer(
    help="Taskbot: creative micro-tasks for writers, with an honest pay ledger.",
    no_args_is_help=True,
)
batch_app = typer.Typer(help="Import, list and inspect batches.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")
app.add_typer(db_app, name="db")
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Configuration file (default: taskbot.toml if present)."),
]


@asynccontextmanager
async def opened_bank(config: Config) -> AsyncIterator[TaskBank]:
    """A TaskBank on the configured store, closed afterwards whatever happens."""
    store = open_store(config.database.url, synchronous=config.database.synchronous)
    await store.open()
    try:
        yield TaskBank(store, defaults=config.bank_defaults())
    finally:
        await store.close()


def run(config_path: Path | None, work: Callable[[Config], Awaitable[T]]) -> T:
    """Load the configuration, run async work, and turn core errors into exit codes."""
    try:
        return asyncio.run(work(load_config(config_path)))
    except ValidationFailed as failure:
        err.print(f"[red]error:[/red] {failure}", highlight=False, markup=True)
        raise typer.Exit(2) from None
    except TaskbankError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None


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
        err.print("error: give batch files to import, or --samples")
        raise typer.Exit(2)

    async def work(cfg: Config) -> None:
        import json

        from taskbank.sample_bank import import_sample_bank

        async with opened_bank(cfg) as bank:
            if samples:
                imported = await import_sample_bank(bank)
                out.print(f"imported {len(imported)} sample batch(es) into {cfg.database.url}")
            for file in files or []:
                if not file.exists():
                    raise ValidationFailed([typer_problem(file, "does not exist")])
                extra: Any = None
                if settings is not None:
                    try:
                        extra = json.loads(settings.read_text(encoding="utf-8"))
                    except (OSError, json.JSONDecodeError) as error:
                        raise ValidationFailed(
                            [typer_problem(settings, f"unreadable settings: {error}")]
                        ) from None
                batch = await bank.import_batch(file, settings=extra)
                progress = await bank.batch_progress(batch.id)
                out.print(
                    f"imported batch {batch.id} '{batch.name}': {progress.tasks} tasks from {file}"
                )

    run(config, work)


def typer_problem(path: Path, message: str):  # type: ignore[no-untyped-def]
    from taskbank.errors import Problem

    return Problem("file", message, str(path))


@batch_app.command("list")
def batch_list(config: ConfigOption = None) -> None:
    """List batches with their state and progress."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            table = Table("id", "name", "template", "state", "pay", "overlap", "tasks", "answers")
            for batch in await bank.list_batches():
                progress = await bank.batch_progress(batch.id)
                table.add_row(
                    str(batch.id),
                    batch.name,
                    batch.template,
                    batch.state.value,
                    format_cents(batch.pay_cents, cfg.locale.currency),
                    str(batch.overlap),
                    str(progress.tasks),
                    str(sum(progress.submissions.values())),
                )
            out.print(table)

    run(config, work)


@app.command("tally")
def tally(
    period: Annotated[str, typer.Option(help="day, week or month")] = "week",
    writer: Annotated[str | None, typer.Option(help="Only this writer's line.")] = None,
    config: ConfigOption = None,
) -> None:
    """Print the pay tally for the current period."""
    if period not in ("day", "week", "month"):
        err.print(f"error: --period must be day, week or month, not '{period}'")
        raise typer.Exit(2)

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            span = period_containing(bank.clock.now(), period, cfg.locale.time_zone)  # type: ignore[arg-type]
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


@db_app.command("migrate")
def db_migrate(config: ConfigOption = None) -> None:
    """Create the database or bring its schema up to date."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg):
            out.print(f"database ready: {cfg.database.url}")

    run(config, work)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for `python -m bot.cli`."""
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
