"""The slash commands, declared once: name, description, options and the role each needs.

Everything else is derived from this list: the dispatcher's routing and role check
(bot/pipeline), the help text, Discord's app-command tree (adapters/discord/commands.py) and the
slash commands of the Slack app manifest (adapters/slack/manifest.py). A new command is one entry
here and one handler in `bot/handlers/`.

A command's words reach its handler as `args`, whatever the chat: the subcommand first (if any),
then each option given, in the declared order (a `words` option split into its words). Files come
as the event's attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.roles import Role

OptionKind = Literal["text", "words", "id", "choice", "file", "user"]  # user: a person, @mentioned


@dataclass(frozen=True)
class Option:
    """One option of a command: `hint` is how it reads in a usage line ('day | week | month')."""

    name: str
    description: str
    kind: OptionKind = "text"
    hint: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    max_length: int | None = None

    def usage(self) -> str:
        shown = self.hint or " | ".join(self.choices) or self.name
        return f"<{shown}>" if self.required else f"[{shown}]"


@dataclass(frozen=True)
class Subcommand:
    """A verb of a command with several (`/batch status 3`)."""

    name: str
    description: str
    options: tuple[Option, ...] = ()

    def usage(self) -> str:
        return " ".join((self.name, *(option.usage() for option in self.options)))


@dataclass(frozen=True)
class Command:
    """A slash command: what it is for, who may run it, and what it takes."""

    name: str
    description: str
    role: Role
    options: tuple[Option, ...] = ()
    subcommands: tuple[Subcommand, ...] = ()

    @property
    def names_people(self) -> bool:
        """Whether it takes a person (an @mention): Slack then sends mentions as user ids."""
        options = [*self.options, *(o for sub in self.subcommands for o in sub.options)]
        return any(option.kind == "user" for option in options)

    def usage(self) -> str:
        """The words after the command, as a person types them (Slack's usage hint)."""
        if self.subcommands:
            return " | ".join(sub.usage() for sub in self.subcommands)
        return " ".join(option.usage() for option in self.options)


PERIOD = Option(
    "period",
    "The period it covers (default: this week)",
    kind="choice",
    choices=("day", "week", "month"),
    default="week",
)
BATCH = Option("batch", "The batch id (see /batch list)", kind="id", hint="id", required=True)

COMMANDS: tuple[Command, ...] = (
    Command(
        "task",
        "Your current task, or the next one",
        Role.WRITER,
        (
            Option(
                "which",
                "A batch name or id, or a template name, to pick from it",
                hint="batch | template",
            ),
        ),
    ),
    Command(
        "work",
        "Open work: pay, time and hourly rate before you claim",
        Role.WRITER,
    ),
    Command(
        "earnings",
        "What you earned, privately (export: your own record as a CSV)",
        Role.WRITER,
        (
            Option(
                "period",
                "The period it covers (default: this week), or export",
                kind="choice",
                choices=("day", "week", "month", "export"),
                default="week",
            ),
        ),
    ),
    Command(
        "review",
        "Reviewers: the next submission to judge",
        Role.REVIEWER,
        (
            Option(
                "what",
                "'adjudicate [batch]': a task writers disagree on; "
                "'adjudicate <task> <submission>' settles it",
                kind="words",
                hint="adjudicate …",
                max_length=100,
            ),
        ),
    ),
    Command(
        "batch",
        "Coordinators: import and manage batches",
        Role.COORDINATOR,
        subcommands=(
            Subcommand(
                "import",
                "Import a batch file (JSONL, CSV) or a screenplay",
                (
                    Option(
                        "file",
                        "The batch file (JSONL or CSV), or a screenplay (.fountain, .fdx, .pdf)",
                        kind="file",
                        hint="file link",
                        required=True,
                    ),
                    Option(
                        "settings",
                        "For a CSV: its batch settings as a .json file "
                        "(project, name, template, pay_cents)",
                        kind="file",
                        hint="settings link",
                    ),
                    Option(
                        "options",
                        "For a screenplay: template=… unit=scene|page|exchange|character-scene "
                        "pay=N, then confirm",
                        kind="words",
                        hint="key=value …",
                        max_length=400,
                    ),
                ),
            ),
            Subcommand("list", "Every batch with its state"),
            Subcommand("status", "A batch's progress and spend", (BATCH,)),
            Subcommand("pause", "Stop handing out a batch's tasks", (BATCH,)),
            Subcommand("resume", "Hand out a paused batch's tasks again", (BATCH,)),
            Subcommand("close", "Close a batch for good", (BATCH,)),
            Subcommand(
                "export",
                "Export a batch's submissions to your DMs",
                (
                    BATCH,
                    Option(
                        "format",
                        "jsonl (default) or csv",
                        kind="choice",
                        choices=("jsonl", "csv"),
                        default="jsonl",
                    ),
                ),
            ),
        ),
    ),
    Command("tally", "Coordinators: post the pay tally", Role.COORDINATOR, (PERIOD,)),
    Command(
        "reinstate",
        "Coordinators: let a paused writer claim again",
        Role.COORDINATOR,
        (
            Option("writer", "The paused writer", kind="user", hint="@writer", required=True),
            BATCH,
        ),
    ),
    Command(
        "appeal",
        "Appeal a rejection, or (coordinators) hear appeals",
        Role.WRITER,
        (
            Option(
                "what",
                "<submission> <what was missed> | list | uphold <appeal> [note] | "
                "deny <appeal> <reason> | report",
                kind="words",
                hint="<submission> <note> | list | uphold … | deny … | report",
                required=True,
                max_length=1000,
            ),
        ),
    ),
    Command(
        "bonus",
        "Coordinators: pay a writer a bonus",
        Role.COORDINATOR,
        (
            Option("writer", "The writer", kind="user", hint="@writer", required=True),
            Option("amount", "The amount, e.g. 2.50", hint="amount", required=True),
            Option(
                "reason",
                "Why, as the writer will read it",
                kind="words",
                hint="reason",
                required=True,
                max_length=400,
            ),
        ),
    ),
    Command(
        "credit",
        "Be credited on a project's exports under a name you choose (or off)",
        Role.WRITER,
        (
            Option("project", "The project's name", hint="project"),
            Option(
                "name",
                "The name to be credited as, or off to withdraw it",
                kind="words",
                hint="name | off",
                max_length=100,
            ),
        ),
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}
NAMES = tuple(BY_NAME)


def help_text() -> str:
    """Every command with its usage, on one line (the answer to an unknown command)."""
    return " · ".join(f"/{c.name} {'…' if c.subcommands else c.usage()}".rstrip() for c in COMMANDS)
