"""What every `taskbot` command shares: the --config option, running async work, exit codes, and
consoles that print what they are given literally."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from bot.config import Config, load_config
from bot.extras import ExtraMissing
from bot.failures import InfrastructureFailure, failure_while
from bot.handlers.coordinator import SETTINGS_MAX_BYTES
from bot.terminal import literal, literal_console
from taskbank.batchfile import read_settings_object
from taskbank.batchtext import read_file
from taskbank.errors import Problem, TaskbankError, ValidationFailed

T = TypeVar("T")
log = logging.getLogger(__name__)
# Every value printed may come from a file or a person: these consoles print it as written, and
# do not break long lines (a path in an error stays whole for whoever copies or greps it).
out = literal_console(soft_wrap=True)
err = literal_console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Configuration file (default: taskbot.toml if present)."),
]


@dataclass
class Options:
    """What the options before the command set (`taskbot --debug …`)."""

    debug: bool = False


OPTIONS = Options()


def run(
    config_path: Path | None,
    work: Callable[[Config], Awaitable[T]],
    *,
    doing: str = "running the command",
) -> T:
    """Load the configuration, run async work, and turn errors into exit codes: 2 for input
    refused, 1 for what Taskbot runs on failing (one line; the traceback with --debug)."""
    try:
        return asyncio.run(work(load_config(config_path)))
    except TaskbankError as error:
        fail(str(error), 2)
    except ExtraMissing as missing:
        fail(str(missing), 1)
    except InfrastructureFailure as failure:
        infrastructure(failure)
    except Exception as error:  # a database or system error past opening: one line, not a trace
        failure = failure_while(error, doing)
        if failure is None:
            raise
        infrastructure(failure, error)


def infrastructure(failure: InfrastructureFailure, cause: BaseException | None = None) -> NoReturn:
    """Print one line for a failure of what Taskbot runs on (and, with --debug, its traceback)."""
    cause = (cause or failure.__cause__) if failure.traceback_helps else None
    if cause is not None and OPTIONS.debug:
        traceback.print_exception(cause)
    log.debug("infrastructure failure", exc_info=cause)
    hint = "" if OPTIONS.debug or cause is None else " (taskbot --debug … shows the traceback)"
    fail(f"{failure}{hint}", 1)


def fail(message: str, code: int) -> NoReturn:
    """Print one error (literally: it quotes the input) and exit with `code`."""
    err.print(literal(("error:", "red"), " ", message))
    raise typer.Exit(code) from None


def cannot_write(what: str, path: Path, refused: ValidationFailed, option: str) -> NoReturn:
    """Exit 1: the place named cannot take the file (`batch export -o`, `batch quality --chart`)."""
    fail(
        f"cannot write the {what} to {path}: {refused.problems[0].message}; "
        f"give another {option}: a new or plain file in a folder that exists",
        1,
    )


def typer_problem(path: Path, message: str) -> Problem:
    """A problem with a file or argument given on the command line."""
    return Problem("file", message, str(path))


def read_settings(path: Path) -> dict[str, Any]:
    """A `--settings` file's object (not yet checked), or a refusal naming the file."""
    return read_settings_object(
        read_file(path, SETTINGS_MAX_BYTES, str(path), "a JSON settings file"), str(path)
    )


def _flags_without_metavar() -> None:
    """Typer shows `<bool>` beside every flag (`--samples <bool>`), which reads as if the flag
    took a value; a flag shows no metavar."""
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None or getattr(shown, "flags_plain", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich.flags_plain = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_metavar()
