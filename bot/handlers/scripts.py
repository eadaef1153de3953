"""Coordinators: a screenplay attached to `/batch import` becomes a batch, after a preview.

`/batch import template=dialogue_tone unit=scene pay=40 [project=…] [name=…] [overlap=N]` with a
.fountain, .fdx or .pdf file (and optionally a settings .json) answers with a preview card;
the same command with `confirm` added imports. Nothing is kept between the two.
"""

from __future__ import annotations

import re
import shlex

from bot import render
from bot.arguments import is_whole_number
from bot.events import CommandEvent
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card, Field
from taskbank.batchfile import read_settings_object
from taskbank.errors import Problem, ValidationFailed
from taskbank.money import format_cents
from taskbank.screenplay import UNITS, ScriptPlan, is_script

SCRIPT_USAGE = (
    "/batch import template=<template> unit=scene|page|exchange|character-scene pay=<cents> "
    "[project=<name>] [name=<batch>] [overlap=<n>] [confirm], with a .fountain, .fdx or .pdf attached"
)
PREVIEW_TASKS = 3
PREVIEW_CHARS = 1200  # of each previewed excerpt; the tasks themselves hold the whole excerpt
_KEYS = {"template", "unit", "pay", "project", "name", "overlap"}
_FILE_REFERENCE = re.compile(r"^(<.*>|https?://\S+|F[A-Z0-9]{6,})$")
_STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def has_script(event: CommandEvent) -> bool:
    """Whether a command carries a screenplay (so `/batch import` should come here)."""
    return any(is_script(attachment.filename) for attachment in event.attachments)


async def import_script_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/batch import …` with a screenplay attached: a preview card, or with `confirm` the import."""
    from bot.handlers.coordinator import problems_card  # coordinator routes here: import late

    ctx.roles.require(event.actor, Role.COORDINATOR, "/batch")
    options, confirm = _options(event.args[1:] if event.args[:1] == ("import",) else event.args)
    files = [a for a in event.attachments if is_script(a.filename)]
    unit = options.get("unit")
    if unit not in UNITS:
        raise _usage(f"say which unit: unit={'|'.join(UNITS)}")
    names = ", ".join(a.filename for a in files)
    limit = ctx.bank.defaults.max_import_bytes
    try:
        # Read only now: the role and the options are checked, so nobody makes the bot fetch.
        settings = await _settings(event, options, files[0].filename)
        scripts = [(a.filename, await a.read(limit)) for a in files]
        result = await ctx.bank.import_script(
            scripts, settings=settings, unit=unit, dry_run=not confirm
        )
    except ValidationFailed as failure:
        await ctx.reply(event, problems_card(failure, f"{names}: nothing was imported"))
        return
    plan = result.plan
    if result.batch is None:
        await ctx.reply(event, preview_card(plan, names, ctx.currency))
        return
    skipped = f"; {len(plan.skipped)} skipped" if plan.skipped else ""
    await ctx.reply(
        event,
        render.notice_card(
            f"Imported batch {result.batch.id}: {result.batch.name}",
            f"{len(plan.parsed.tasks)} {unit} tasks from {names}, "
            f"{format_cents(result.batch.pay_cents, ctx.currency)} each, overlap "
            f"{result.batch.overlap}{skipped}.",
            "success",
        ),
    )


def preview_card(plan: ScriptPlan, names: str, currency: str) -> Card:
    """What an import would store: tasks per unit, pay against budget, skips, the first tasks."""
    settings = plan.parsed.settings
    money = lambda cents: format_cents(cents, currency)  # noqa: E731
    budget = plan.budget_cap_cents
    budget_text = (
        "no cap"
        if budget is None
        else f"{money(budget)} — "
        + ("fits" if plan.pay_total_cents <= budget else "over: claims stop at the cap")
    )
    blocks = [
        "\n".join(
            f"{s.source}{f' “{s.title}”' if s.title else ''}: {len(s.scenes)} scenes, "
            f"{s.page_count} pages"
            for s in plan.scripts
        ),
        "Tasks per unit: " + " · ".join(f"{unit} {count}" for unit, count in plan.counts.items()),
    ]
    if plan.skipped:
        shown = plan.skipped[:10]
        more = f"\n… and {len(plan.skipped) - len(shown)} more" if len(plan.skipped) > 10 else ""
        blocks.append(
            "Skipped:\n" + "\n".join(f"{s.external_id}: {s.reason}" for s in shown) + more
        )
    for task in plan.parsed.tasks[:PREVIEW_TASKS]:
        excerpt = task.payload["excerpt"]
        if len(excerpt) > PREVIEW_CHARS:
            cut = excerpt.rfind("\n", 0, PREVIEW_CHARS)
            excerpt = excerpt[: cut if cut > 0 else PREVIEW_CHARS] + "\n…"
        head = f"{task.external_id}" + (
            f" · {task.payload['character']}" if "character" in task.payload else ""
        )
        blocks.append(f"{head}\n{task.payload['source']}\n\n{excerpt}")
    return Card(
        title=f"Preview: {names} → {len(plan.parsed.tasks)} {plan.unit} tasks",
        blocks=tuple(blocks),
        fields=(
            Field("Batch", f"{settings.name} ({settings.template})"),
            Field("Project", settings.project.name),
            Field(
                "Pay",
                f"{len(plan.parsed.tasks)} × {money(settings.pay_cents)} × overlap "
                f"{plan.overlap} = {money(plan.pay_total_cents)}",
            ),
            Field("Budget", budget_text),
            Field("Skipped", str(len(plan.skipped))),
        ),
        footer="Nothing is stored yet: send the same command with confirm to import.",
    )


def _options(args: tuple[str, ...]) -> tuple[dict[str, str], bool]:
    """key=value options (quotes allowed: project="Noir study") and `confirm`; a file's link or id
    in the command text (Slack's way of attaching) is passed over."""
    text = " ".join(args).translate(_STRAIGHT_QUOTES)
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    options: dict[str, str] = {}
    confirm = False
    for word in words:
        if word.lower() == "confirm":
            confirm = True
            continue
        key, sep, value = word.partition("=")
        if not sep and _FILE_REFERENCE.match(word):
            continue
        if not sep or key not in _KEYS or not value:
            raise _usage(f"'{word}' is not an option")
        options[key] = value
    return options, confirm


async def _settings(event: CommandEvent, options: dict[str, str], first: str) -> dict:
    from bot.handlers.coordinator import SETTINGS_MAX_BYTES

    settings: dict = {}
    for attachment in event.attachments:
        if attachment.filename.lower().endswith(".json"):
            data = await attachment.read(SETTINGS_MAX_BYTES)
            settings = read_settings_object(data, attachment.filename)
    stem = first.rsplit(".", 1)[0]
    for key, target in (("template", "template"), ("name", "name"), ("project", "project")):
        if key in options:
            settings[target] = options[key]
    for key, target in (("pay", "pay_cents"), ("overlap", "overlap")):
        if key in options:
            if not is_whole_number(options[key]):  # ASCII digits, small enough to store
                raise _usage(
                    f"{key} must be a whole number ({'cents' if key == 'pay' else 'writers'})"
                )
            settings[target] = int(options[key])
    settings.setdefault("project", stem)
    settings.setdefault("name", f"{stem}-{options.get('unit', 'unit')}s")
    if "template" not in settings:
        raise _usage("say which template: template=<name>")
    if "pay_cents" not in settings:
        raise _usage("say the pay per task in cents: pay=<cents>")
    return settings


def _usage(message: str) -> ValidationFailed:
    return ValidationFailed([Problem("usage", f"{message}; expected {SCRIPT_USAGE}")])
