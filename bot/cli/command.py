"""What every `taskbot` command shares: the --config option, running async work, exit codes, and
consoles that print what they are given literally."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from bot.config import Config, load_config
from bot.terminal import literal, literal_console
from taskbank.batchfile import read_settings_object
from taskbank.errors import Problem, TaskbankError, ValidationFailed

T = TypeVar("T")
# Every value printed may come from a file or a person: these consoles print it as written, and
# do not break long lines (a path in an error stays whole for whoever copies or greps it).
out = literal_console(soft_wrap=True)
err = literal_console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Configuration file (default: taskbot.toml if present)."),
]


def run(config_path: Path | None, work: Callable[[Config], Awaitable[T]]) -> T:
    """Load the configuration, run async work, and turn core errors into exit codes."""
    try:
        return asyncio.run(work(load_config(config_path)))
    except TaskbankError as error:
        fail(str(error), 2)


def fail(message: str, code: int) -> NoReturn:
    """Print one error (literally: it quotes the input) and exit with `code`."""
    err.print(literal(("error:", "red"), " ", message))
    raise typer.Exit(code) from None


def typer_problem(path: Path, message: str) -> Problem:
    """A problem with a file or argument given on the command line."""
    return Problem("file", message, str(path))


def read_settings(path: Path) -> dict[str, Any]:
    """A `--settings` file's object (not yet checked), or a refusal naming the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationFailed([typer_problem(path, f"unreadable settings: {error}")]) from None
    return read_settings_object(data, str(path))
