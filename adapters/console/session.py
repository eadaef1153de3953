"""The console session: reads lines (typed, or a script when stdin is not a terminal) and turns
them into neutral events.

  /task, /review and the rest                   commands, as in any chat (listed below)
  /batch import PATH…                           files are read from disk and attached
  /as NAME                                      switch to another person
  /react N ✅|❌ (or yes|no)                    react to message #N
  N [choices]                                   use control N of your latest card; for a
                                                select, choices are numbers: 2 or 1,3
  /help, /quit
While a form is open, each line answers the next field (empty keeps what is there; in a
script, "\\n" in a line stands for a line break).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console
from rich.text import Text

from adapters.console.chat import ConsoleChat, by_points
from bot import commands
from bot.app import Taskbot
from bot.arguments import is_whole_number, quoted
from bot.events import (
    ActionEvent,
    Actor,
    Attachment,
    CommandEvent,
    FormSubmitEvent,
    MessageRef,
    Place,
    ReactionEvent,
)
from bot.handlers.reviewer import REVIEW_LINK
from bot.roles import Role, Roles
from bot.ui import Button, Form, FormErrors, FormInput, Select
from taskbank.batchtext import file_problem
from taskbank.errors import Problem, ValidationFailed

log = logging.getLogger(__name__)
PLATFORM = "console"
WHAT = "a batch file or screenplay"
SORRY_TEXT = "Sorry, something went wrong; it is logged. You can carry on."
ReadLine = Callable[[str], Awaitable[str | None]]
HELP = """What you can type:
  /task               your task, or the next one (/task NAME: from the batch of that name)
  /earnings           what you have earned this week (/earnings day, /earnings month)
  /review             the next answer waiting for a reviewer
  /react N yes|no     approve or reject the answer shown on card #N (reviewers)
  /batch list · /batch import FILE · /batch status N · /tally      (coordinators)
  /as NAME            become someone else: wendy writes, rita reviews, cora coordinates
  /quit               leave (Ctrl-C too)
On a card, type the number in [brackets]: '4' presses that button, '3 5' gives 5 on the scale
of question 3 (or its 5th choice), '1 2,4' picks choices 2 and 4 of a list.
In a form, each line answers the next field; Enter alone keeps what is there."""
_EMOJI = {
    "yes": "✅",
    "ok": "✅",
    "approve": "✅",
    "✅": "✅",
    "no": "❌",
    "reject": "❌",
    "❌": "❌",
}


class ConsoleSession:
    """One terminal user at a time, switching with /as."""

    def __init__(
        self, bot: Taskbot, chat: ConsoleChat, roles: Roles, read_line: ReadLine, user: str
    ) -> None:
        self.bot, self.chat, self.roles, self.read_line = bot, chat, roles, read_line
        self.console: Console = chat.console
        self.place = Place("general")
        self.user = ""
        self.switch(user)

    @property
    def actor(self) -> Actor:
        return Actor(PLATFORM, self.user, self.user)

    def switch(self, user: str) -> None:
        """Become another person."""
        self.user = user
        self.chat.viewer = self.actor.key
        held = [
            r.value
            for r in (Role.WRITER, Role.REVIEWER, Role.COORDINATOR)
            if self.roles.has(self.actor, r)
        ]
        self.say(f"You are {user} ({', '.join(held) or 'no role'}).")

    def say(self, text: str, style: str = "dim") -> None:
        self.console.print(Text(text, style=style))

    async def run(self) -> None:
        """Read and act on lines until /quit or the end of input."""
        while True:
            line = await self.read_line(f"{self.user}> ")
            if line is None:
                return
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line in ("/quit", "/exit"):
                return
            await self.handle_line_or_apologise(line)

    async def handle_line_or_apologise(self, line: str) -> None:
        """One line; an error nobody expected is logged and the person told, and the session
        carries on. The console's one catch-all: expected errors are answered by the bot."""
        try:
            await self.handle_line(line)
        except Exception:
            log.exception("the console could not handle %r", line[:200])
            self.say(SORRY_TEXT, "red")

    async def handle_line(self, line: str) -> None:
        """One typed line."""
        if line.startswith("/"):
            try:
                words = shlex.split(line[1:])
            except ValueError as error:
                self.say(f"Can't read that line: {error}", "red")
                return
            if not words:
                return
            name, args = words[0], words[1:]
            if name == "help":
                self.say(HELP, "")
                self.say(f"Every command: {commands.help_text()}", "")
            elif name == "as":
                self.switch(args[0]) if args else self.say("Usage: /as NAME", "red")
            elif name == "react":
                await self._react(args)
            elif name == "batch" and args[:1] == ["import"]:
                await self._import(args[1:])
            else:
                await self.bot.handle(
                    CommandEvent(self.actor, self.place, name, tuple(args), context=self._context())
                )
        else:
            await self._use_control(line)
        await self._fill_forms()

    def _context(self, message: MessageRef | None = None) -> tuple[str, MessageRef | None]:
        return (self.actor.key, message)

    async def _import(self, words: list[str]) -> None:
        # key=value options and `confirm` (for a screenplay) pass through; the rest are files.
        options = [w for w in words if "=" in w or w.lower() == "confirm"]
        paths = [w for w in words if w not in options]
        attachments = tuple(Attachment(Path(name).name, fetch=_file_reader(name)) for name in paths)
        event = CommandEvent(
            self.actor,
            self.place,
            "batch",
            ("import", *options),
            attachments,
            self._context(),
        )
        await self.bot.handle(event)

    async def _react(self, args: list[str]) -> None:
        if len(args) != 2 or not is_whole_number(args[0].lstrip("#")) or args[1] not in _EMOJI:
            self.say("Usage: /react N ✅|❌ (or yes|no)", "red")
            return
        shown = self.chat.messages.get(args[0].lstrip("#"))
        if shown is None:
            self.say(f"No message #{args[0]}", "red")
            return
        if await self.bot.ctx.bank.linked_subject(shown.ref.key, REVIEW_LINK) is None:
            self.say(
                f"Message #{shown.ref.message_id} is not a review card: ✅ and ❌ count only on"
                " the cards of submissions for review (/review shows one).",
                "red",
            )
            return
        await self.bot.handle(ReactionEvent(self.actor, shown.ref, _EMOJI[args[1]]))

    async def _use_control(self, line: str) -> None:
        number, _, rest = line.partition(" ")
        rest = rest.strip()
        found = self.chat.numbered_controls(self.actor.key)
        if not is_whole_number(number) or found is None:
            self.say(
                "Type a /command, or the number of a control on your latest card. /help lists them.",
                "red",
            )
            return
        message, numbered = found
        if not 1 <= int(number) <= len(numbered):
            self.say(f"Choose a control from 1 to {len(numbered)}.", "red")
            return
        entry = numbered[int(number) - 1]
        values: tuple[str, ...] = ()
        if isinstance(entry, tuple):
            control = _pick_button(entry, rest)
            if control is None:
                self.say(_pick_hint(entry, number), "red")
                return
        elif isinstance(entry, Select):
            control = entry
            picks = [_place(p, len(control.choices)) for p in rest.replace(" ", "").split(",")]
            if not rest or None in picks:
                self.say(
                    f"Give choices by number, 1 to {len(control.choices)}, e.g. '{number} 2' or '{number} 1,3'.",
                    "red",
                )
                return
            values = tuple(control.choices[p].value for p in picks if p is not None)
        else:
            control = entry
            if rest:
                self.say(
                    f"{number} is the button '{control.label}'; it takes nothing after the number"
                    f" (you typed '{rest}'). Nothing was done.",
                    "red",
                )
                return
        event = ActionEvent(
            self.actor, self.place, control.action_id, values, message, self._context(message)
        )
        await self.bot.handle(event)

    async def _fill_forms(self) -> None:
        while (pending := self.chat.pending_forms.pop(self.actor.key, None)) is not None:
            form, message = pending
            values = await self._ask(form)
            if values is None:
                self.say("Form closed; nothing was sent.")
                return
            result = await self.bot.handle(
                FormSubmitEvent(
                    self.actor, self.place, form.form_id, values, message, self._context(message)
                )
            )
            if isinstance(result, FormErrors):
                self.chat.pending_forms[self.actor.key] = (
                    _with_errors(form, values, result),
                    message,
                )

    async def _ask(self, form: Form) -> dict[str, str | tuple[str, ...]] | None:
        self.say(f"── {form.title} ──", "bold")
        if form.intro:
            self.say(form.intro, "")
        values: dict[str, str | tuple[str, ...]] = {}
        for field in form.inputs:
            if field.hint:
                self.say(field.hint)
            if field.error:
                self.say(f"⚠ {field.error}", "yellow")
            current = (
                field.value
                if isinstance(field.value, str)
                else (field.value[0] if field.value else None)
            )
            picks = field.kind in ("select", "multiselect")
            if picks:
                self.say("  ".join(f"{i}) {c.label}" for i, c in enumerate(field.choices, 1)), "")
                shown = ", ".join(c.label for c in field.choices if c.value in _kept(field))
            else:
                shown = current
            prompt = f"{field.label}{f' [{shown}]' if shown else ''}: "
            while True:  # a pick the form never offered is refused and the field asked again
                answer = await self.read_line(prompt)
                if answer is None:
                    return None
                answer = answer.replace("\\n", "\n").strip()
                if not picks:
                    values[field.input_id] = answer or (current or "")
                    break
                if not answer:  # Enter alone keeps what is there, as the form says
                    values[field.input_id] = (
                        (current or "") if field.kind == "select" else _kept(field)
                    )
                    break
                chosen = _chosen(field, answer)
                if chosen is not None:
                    values[field.input_id] = chosen
                    break
                self.say(_pick_refusal(field, answer), "red")
        return values


def _kept(field: FormInput) -> tuple[str, ...]:
    """The choice values a select field holds now."""
    if isinstance(field.value, str):
        return (field.value,) if field.value else ()
    return tuple(field.value or ())


def _chosen(field: FormInput, answer: str) -> str | tuple[str, ...] | None:
    """The choice values a typed answer names ('2', or '1,3' where several may be picked), or
    None if any pick is not a number the form offered, or a single choice gets several."""
    places = [_place(pick.strip(), len(field.choices)) for pick in answer.split(",")]
    found = tuple(field.choices[p].value for p in places if p is not None)
    if len(found) != len(places) or (field.kind == "select" and len(found) != 1):
        return None
    return found[0] if field.kind == "select" else found


def _pick_refusal(field: FormInput, answer: str) -> str:
    expected = "one number" if field.kind == "select" else "numbers"
    several = "" if field.kind == "select" else " separated by commas"
    return (
        f"{field.label}: {quoted(answer)} is not offered; type {expected} from 1 to"
        f" {len(field.choices)}{several}, or Enter alone to keep what is there."
    )


def _pick_button(buttons: tuple[Button, ...], pick: str) -> Button | None:
    """The button a question's pick names: a scale's point by its number, else by place."""
    if by_points(buttons):
        return next((b for b in buttons if b.label == pick), None)
    place = _place(pick, len(buttons))
    return None if place is None else buttons[place]


def _place(typed: str, count: int) -> int | None:
    """The index a person's 1-based choice number names, or None: ASCII digits only ('²' passes
    str.isdigit but not int), and within 1..count."""
    if not is_whole_number(typed) or not 1 <= int(typed) <= count:
        return None
    return int(typed) - 1


def _pick_hint(buttons: tuple[Button, ...], number: str) -> str:
    if by_points(buttons):
        points = ", ".join(b.label for b in buttons)
        return f"Give a point after the number: {number} and one of {points} (e.g. '{number} {buttons[-1].label}')."
    return f"Give a choice after the number: {number} and 1 to {len(buttons)} (e.g. '{number} 1')."


def _file_reader(name: str) -> Callable[[int], Awaitable[bytes]]:
    """An attachment's `fetch` for a file on disk (~ expanded): the handler calls it after its
    role check with the import limit, and only a regular file is read, never past the limit."""

    def read(max_bytes: int) -> bytes | Problem:
        path = Path(name).expanduser()
        return file_problem(path, max_bytes, path.name, WHAT)

    async def fetch(max_bytes: int) -> bytes:
        read_or_problem = await asyncio.to_thread(read, max_bytes)  # it touches the disk
        if isinstance(read_or_problem, Problem):
            raise ValidationFailed([read_or_problem])
        return read_or_problem

    return fetch


def _with_errors(form: Form, values: dict[str, str | tuple[str, ...]], result: FormErrors) -> Form:
    """The same form again, with the person's values kept and the errors beside their fields."""
    inputs = tuple(
        FormInput(
            **{
                **field.__dict__,
                "value": values.get(field.input_id, field.value),
                "error": result.errors.get(field.input_id),
            }
        )
        for field in form.inputs
    )
    return Form(form.form_id, form.title, inputs, form.submit_label, form.intro)
