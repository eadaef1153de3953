"""Discord's app-command tree, derived from the commands bot/commands.py declares.

A command with subcommands is a group (`/batch import`, `/batch status`…); each option becomes
a typed parameter (text, a positive integer id, a choice, a file), so Discord shows and checks it.
Every command runs the same way: its words and files go to `run`, which hands the bot a neutral
command event. The tree refuses in words what it cannot run (`refused`).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import inbound
from adapters.discord.limits import COMMAND_DESCRIPTION
from bot.commands import COMMANDS, Option
from bot.text import shorten

Files = tuple[discord.Attachment | None, ...]
Run = Callable[[discord.Interaction, str, tuple[str, ...], Files], Awaitable[None]]
Refused = Callable[[discord.Interaction, Exception], Awaitable[None]]


class MalformedCommand(app_commands.AppCommandError):
    """A slash command whose data discord.py cannot read (options not a list, no name…)."""


class TaskbotTree(app_commands.CommandTree):
    """The command tree, refusing in words what it cannot run."""

    def __init__(self, client: discord.Client, refused: Refused) -> None:
        super().__init__(client)
        self.refused = refused

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        problem = inbound.command_shape_problem(interaction.data) or inbound.resolved_problem(
            interaction
        )
        if problem is None:
            return True
        await self.refused(interaction, MalformedCommand(f"The command's data: {problem}"))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        original = getattr(error, "original", None)
        await self.refused(interaction, original or error)


def command_tree(client: discord.Client, run: Run, refused: Refused) -> TaskbotTree:
    """Every declared command, as Discord app commands that call `run`."""
    tree = TaskbotTree(client, refused)
    for command in COMMANDS:
        if not command.subcommands:
            tree.add_command(
                _slash(command.name, command.description, command.options, run, command.name)
            )
            continue
        group = app_commands.Group(name=command.name, description=fitted(command.description))
        for sub in command.subcommands:
            group.add_command(
                _slash(sub.name, sub.description, sub.options, run, command.name, sub.name)
            )
        tree.add_command(group)
    return tree


def _slash(
    name: str,
    description: str,
    options: tuple[Option, ...],
    run: Run,
    command: str,
    verb: str | None = None,
) -> app_commands.Command[Any, ..., None]:
    """One app command: its options as parameters; its words (the verb first) and files to `run`."""

    async def callback(interaction: discord.Interaction, **given: Any) -> None:
        words = [verb] if verb else []
        files: list[discord.Attachment | None] = []
        for option in options:
            value = given.get(option.name)
            if option.kind == "file":
                files.append(value)
            elif option.kind == "words":
                words.extend(str(value or "").split())
            elif option.kind == "user" and value is not None:
                # a resolved user; else what was sent (a mention, or a bare id)
                mention = (
                    value if str(value).startswith("<@") else f"<@{getattr(value, 'id', value)}>"
                )
                words.append(mention)
            elif value is not None and value != "":
                words.append(str(value))
        await run(interaction, command, tuple(words), tuple(files))

    interaction = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [interaction, *(_parameter(option) for option in options)]
    )
    described = app_commands.describe(**{o.name: fitted(o.description) for o in options})(callback)
    return app_commands.Command(name=name, description=fitted(description), callback=described)


def fitted(description: str) -> str:
    """A declared description within Discord's 100 characters (Discord refuses longer)."""
    return shorten(description, COMMAND_DESCRIPTION)


def _parameter(option: Option) -> inspect.Parameter:
    """An option as the typed parameter discord.py reads into a Discord command option."""
    annotation: Any
    default: Any = inspect.Parameter.empty
    if option.kind == "file":
        annotation = discord.Attachment if option.required else discord.Attachment | None
    elif option.kind == "id":
        annotation = app_commands.Range[int, 1]
    elif option.kind == "user":
        annotation = discord.User if option.required else discord.User | None
    elif option.kind == "choice":
        annotation = Literal[option.choices]  # type: ignore[valid-type]
    elif option.max_length is not None:
        annotation = app_commands.Range[str, 0, option.max_length]
    else:
        annotation = str if option.required else str | None
    if not option.required:
        default = option.default if option.default is not None else _empty(option)
    return inspect.Parameter(
        option.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _empty(option: Option) -> Any:
    return "" if option.kind == "words" else None
