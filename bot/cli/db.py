"""`taskbot db …`: create or migrate the database, and copy a SQLite pilot into PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import opened_bank
from bot.cli.command import ConfigOption, err, out, run, typer_problem
from bot.config import POSTGRES_SCHEMES, Config, database_url_problem
from bot.failures import shown_url
from bot.terminal import literal_progress
from taskbank.errors import ValidationFailed
from taskbank.store import open_store
from taskbank.store.copy import copy_database

db_app = typer.Typer(help="The database.", no_args_is_help=True)


@db_app.command("migrate")
def db_migrate(config: ConfigOption = None) -> None:
    """Create the database or bring its schema up to date."""

    async def work(cfg: Config) -> None:
        async with opened_bank(cfg) as bank:
            applied = bank.migrations_applied()
            done = (
                f"applied migration{'s' if len(applied) > 1 else ''} "
                + ", ".join(f"{version:04d}" for version in applied)
                if applied
                else "already up to date, nothing applied"
            )
            out.print(f"database ready: {shown_url(cfg.database.url)} ({done})")

    run(config, work)


@db_app.command("copy")
def db_copy(
    target: Annotated[
        str, typer.Option("--to", help="An empty PostgreSQL database: postgresql://…")
    ],
    source_option: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The database to copy: sqlite:///path or a path (default: the configured one).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Copy a whole database (a SQLite pilot into PostgreSQL); counts and ledger sums are checked."""

    async def work(cfg: Config) -> None:
        source = source_option or cfg.database.url
        if not target.startswith(POSTGRES_SCHEMES):
            raise ValidationFailed([typer_problem(Path("--to"), "expected a postgresql:// URL")])
        problem = database_url_problem(target)
        if problem is not None:
            raise ValidationFailed([typer_problem(Path("--to"), problem)])
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
                with literal_progress(err) as bar:
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

    run(config, work)
