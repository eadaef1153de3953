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
from bot.script_cli import batch_from_script
from taskbank.errors import Problem, TaskbankError, ValidationFailed
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
batch_app.command("from-script")(batch_from_script)
discord_app = typer.Typer(help="The Discord app.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(discord_app, name="discord")
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
                with err.status(f"importing {file.name}…"):
                    batch = await bank.import_batch(file, settings=extra)
                progress = await bank.batch_progress(batch.id)
                out.print(
                    f"imported batch {batch.id} '{batch.name}': {progress.tasks} tasks from {file}"
                )

    run(config, work)


def typer_problem(path: Path, message: str) -> Problem:
    """A problem with a file or argument given on the command line."""
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


@batch_app.command("status")
def batch_status(
    batch_id: Annotated[int, typer.Argument(help="The batch id (see `taskbot batch list`).")],
    config: ConfigOption = None,
) -> None:
    """Progress, throughput and pending reviews of one batch."""

    async def work(cfg: Config) -> None:
        from bot.handlers.context import BotContext
        from bot.handlers.coordinator import status_card

        async with opened_bank(cfg) as bank:
            ctx = BotContext(
                bank, None, cfg.roles.roles(), cfg.locale.time_zone, cfg.locale.currency
            )  # type: ignore[arg-type]
            card = await status_card(ctx, batch_id)
            table = Table("", "", title=card.title, show_header=False)
            for field in card.fields:
                table.add_row(field.label, field.value)
            out.print(table)

    run(config, work)


@batch_app.command("export")
def batch_export(
    batch_id: Annotated[int, typer.Argument(help="The batch id.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: <batch name>.<format>)."),
    ] = None,
    file_format: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    config: ConfigOption = None,
) -> None:
    """Export every answer of a batch with provenance, showing progress."""
    if file_format not in ("jsonl", "csv"):
        err.print(f"error: --format must be jsonl or csv, not '{file_format}'")
        raise typer.Exit(2)

    async def work(cfg: Config) -> None:
        from rich.progress import Progress

        async with opened_bank(cfg) as bank:
            batch = await bank.batch(batch_id)
            total = sum((await bank.batch_progress(batch_id)).submissions.values())
            path = output or Path(f"{batch.name}.{file_format}")
            with (
                path.open("w", encoding="utf-8", newline="") as handle,
                Progress(console=err, transient=True) as bar,
            ):
                task = bar.add_task(f"exporting {batch.name}", total=total)
                count = await bank.export(
                    batch_id,
                    handle,
                    file_format,
                    progress=lambda done: bar.update(task, completed=done),  # type: ignore[arg-type]
                )
            out.print(f"exported {count} answers from batch {batch_id} to {path}")

    run(config, work)


@app.command("demo")
def demo(
    database: Annotated[
        Path | None, typer.Option("--db", help="SQLite file (default: in your data directory).")
    ] = None,
    user: Annotated[str, typer.Option("--as", help="Who you are at start.")] = "wendy",
) -> None:
    """Try the whole loop in the terminal: claim, answer, review, tally. No tokens needed."""
    from bot.config import Config as _Config
    from bot.config import DatabaseConfig, RolesConfig

    base = load_config(None)
    url = str(database) if database else base.database.url
    roles = RolesConfig(
        writers=base.roles.writers,
        reviewers=[*base.roles.reviewers, "console:rita"],
        coordinators=[*base.roles.coordinators, "console:cora"],
    )
    cfg = _Config.model_validate(
        {
            **base.model_dump(),
            "database": DatabaseConfig(url=url).model_dump(),
            "roles": roles.model_dump(),
        }
    )

    async def work(_: Config) -> None:
        from taskbank.sample_bank import import_sample_bank

        async with opened_bank(cfg) as bank:
            imported = await import_sample_bank(bank) if not await bank.list_batches() else []
            out.print(
                f"Taskbot demo on {url}"
                + (f" — imported {len(imported)} sample batches." if imported else ".")
            )
            out.print(
                "You are wendy, a writer: type /task, then the numbers on the card to answer.\n"
                "/as rita to review (/review, or /react N yes|no), /as cora to coordinate (/batch list, /tally).\n"
                "/help for everything, /quit to leave."
            )
            await start_adapters(cfg, bank, ["console"], user=user)

    run(None, work)


@app.command("run")
def run_command(config: ConfigOption = None) -> None:
    """Serve the chats the configuration enables (the console when none is)."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            await start_adapters(cfg, bank, cfg.chat.adapters, run_scheduler=True)

    run(config, work)


async def start_adapters(
    cfg: Config, bank: TaskBank, names: list[str], *, run_scheduler: bool = False, **options: Any
) -> None:
    """Run the named adapters side by side (and the scheduler, if asked) until they all stop."""
    from bot.runtime import Runtime, load_adapter

    try:
        runners = [load_adapter(name) for name in names]
    except LookupError as missing:
        raise ValidationFailed([typer_problem(Path("chat.adapters"), str(missing))]) from None
    runtime = Runtime(cfg, bank, cfg.roles.roles(), options, run_scheduler=run_scheduler)
    try:
        await asyncio.gather(*(runner(runtime) for runner in runners))
    finally:
        runtime.stop()


@app.command("config")
def config_check(
    action: Annotated[str, typer.Argument(help="check")],
    config: ConfigOption = None,
) -> None:
    """`taskbot config check`: validate the configuration file and say what it sets."""
    if action != "check":
        err.print(f"error: unknown action '{action}'; expected 'check'")
        raise typer.Exit(2)

    async def work(cfg: Config) -> None:
        out.print(
            f"configuration is valid; database: {cfg.database.url}; chats: {', '.join(cfg.chat.adapters)}"
        )

    run(config, work)


@discord_app.command("sync")
def discord_sync(
    guild: Annotated[
        str | None, typer.Option(help="The server id (default: [discord] guild_id).")
    ] = None,
    everywhere: Annotated[
        bool, typer.Option("--global", help="Register for every server (Discord may take an hour).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Register the slash commands with Discord: in one server at once, or globally."""
    from bot.runtime import load_tool

    async def work(cfg: Config) -> None:
        sync = load_tool("discord-sync")
        names = await sync(cfg, guild_id=guild, everywhere=everywhere)
        where = "every server" if everywhere else f"server {guild or cfg.discord.guild_id}"
        out.print(f"registered /{', /'.join(names)} in {where}")

    run(config, work)


@db_app.command("migrate")
def db_migrate(config: ConfigOption = None) -> None:
    """Create the database or bring its schema up to date."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg):
            out.print(f"database ready: {cfg.database.url}")

    run(config, work)


@db_app.command("copy")
def db_copy(
    source: Annotated[
        str, typer.Option("--from", help="The database to copy: sqlite:///path or a path.")
    ],
    target: Annotated[
        str, typer.Option("--to", help="An empty PostgreSQL database: postgresql://…")
    ],
) -> None:
    """Copy a whole database (a SQLite pilot into PostgreSQL); counts and ledger sums are checked."""

    async def work(_: Config) -> None:
        from rich.progress import Progress

        from taskbank.store.copy import copy_database

        if not target.startswith(("postgresql://", "postgres://")):
            raise ValidationFailed([typer_problem(Path("--to"), "expected a postgresql:// URL")])
        if not source.startswith("sqlite:///") and "://" in source:
            raise ValidationFailed(
                [typer_problem(Path("--from"), "expected sqlite:///path or a path")]
            )
        if not await asyncio.to_thread(Path(source.removeprefix("sqlite:///")).exists):
            raise ValidationFailed([typer_problem(Path(source), "does not exist")])
        origin, destination = open_store(source), open_store(target)
        await origin.open()
        try:
            await destination.open()
            try:
                with Progress(console=err, transient=True) as bar:
                    task = bar.add_task("copying", total=None)
                    report = await copy_database(
                        origin,
                        destination,  # type: ignore[arg-type]
                        lambda table, n: bar.update(
                            task, advance=n, description=f"copying {table}"
                        ),
                    )
            finally:
                await destination.close()
        finally:
            await origin.close()
        copied = ", ".join(f"{table} {count}" for table, count in report.rows.items() if count)
        out.print(
            f"copied {sum(report.rows.values())} rows ({copied}); ledger {report.ledger_cents} cents on both sides"
        )

    run(None, work)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for `python -m bot.cli`."""
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
