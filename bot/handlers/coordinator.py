"""Coordinators: import, list, inspect, pause, resume, close and export batches; post a tally."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath
from typing import Any

from bot import fairwork_render, render
from bot.arguments import whole_number
from bot.events import Attachment, CommandEvent
from bot.handlers import fair_work, quality, scripts
from bot.handlers.context import BotContext
from bot.quality_view import quality_line
from bot.roles import Role
from bot.text import counted
from bot.ui import Card, Field, FileUpload
from taskbank.batchfile import read_settings_object
from taskbank.errors import Problem, ValidationFailed
from taskbank.export import export_file_name
from taskbank.models import BatchState
from taskbank.money import format_cents
from taskbank.periods import period_containing
from taskbank.service import TaskBank

BATCH_USAGE = "/batch import (with a JSONL file, or a CSV and its settings .json) | list | status <id> | pause <id> | resume <id> | close <id> | export <id> [jsonl|csv]"
SHOWN_PROBLEMS = 20
SETTINGS_MAX_BYTES = 1024 * 1024
_STATES = {"pause": BatchState.PAUSED, "resume": BatchState.OPEN, "close": BatchState.CLOSED}


def usage(message: str) -> ValidationFailed:
    """A usage error for /batch."""
    return ValidationFailed([Problem("usage", f"{message}; expected {BATCH_USAGE}")])


def problems_card(failure: ValidationFailed, title: str) -> Card:
    """Every problem (the first twenty shown, then a count), as a card."""
    shown = [str(p) for p in failure.problems[:SHOWN_PROBLEMS]]
    more = len(failure.problems) - len(shown)
    if more > 0:
        shown.append(f"… and {more} more")
    return Card(title=title, blocks=("\n".join(shown),), tone="error")


async def batch_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/batch …`: the coordinator's batch tools."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/batch")
    if not event.args:
        raise usage("say what to do")
    verb, rest = event.args[0], event.args[1:]

    async def post(card: Card) -> None:
        await ctx.reply(event, card)

    if verb == "import":
        if scripts.has_script(event):
            await scripts.import_script_command(ctx, event)
        else:
            await import_files(ctx, event, post)
        return
    if verb == "list":
        batches = await ctx.bank.list_batches()
        await post(
            render.notice_card("Batches", render.writer_summary(batches) or "No batches yet.")
        )
        return
    if verb not in ("status", "export", *_STATES):
        raise usage(f"unknown /batch action '{verb}'")
    batch_id = _batch_id(rest)
    if verb == "status":
        await post(await status_card(ctx.bank, batch_id, ctx.currency))
    elif verb in _STATES:
        batch = await ctx.bank.set_batch_state(batch_id, _STATES[verb])
        await post(
            render.notice_card(
                f"Batch {batch.id} {batch.name} is {batch.state.value}", tone="success"
            )
        )
    elif verb == "export":
        file_format = rest[1] if len(rest) > 1 else "jsonl"
        if file_format not in ("jsonl", "csv"):
            raise usage(f"unknown export format '{file_format}'")
        out = io.StringIO()
        count = await ctx.bank.export(batch_id, out, file_format)  # type: ignore[arg-type]
        batch = await ctx.bank.batch(batch_id)
        upload = FileUpload(
            export_file_name(batch.name, file_format),  # type: ignore[arg-type]
            out.getvalue().encode(),
            f"{counted(count, 'answer')} from batch {batch.id}",
        )
        await ctx.port.upload_file(event.place, upload, to=event.actor)


def _batch_id(rest: tuple[str, ...]) -> int:
    if not rest:
        raise usage("give the batch id")
    return whole_number(rest[0], "batch id")


async def import_files(ctx: BotContext, event: CommandEvent, post) -> None:  # type: ignore[no-untyped-def]
    """`/batch import`: each attached batch file whole or not at all; a CSV takes its settings
    from a `.json` file attached beside it (its own `<name>.settings.json`, or the only one)."""
    if not event.attachments:
        raise usage("attach a JSONL or CSV file to /batch import")
    files = [a for a in event.attachments if not _is_settings(a.filename)]
    settings_files = [a for a in event.attachments if _is_settings(a.filename)]
    if not files:
        raise usage("attach a JSONL or CSV file (a .json settings file goes beside a CSV)")
    limit = ctx.bank.defaults.max_import_bytes
    for attachment in files:
        try:
            settings = None
            if PurePath(attachment.filename).suffix.lower() == ".csv":
                settings = await _csv_settings(attachment, settings_files, limit)
            data = await attachment.read(limit)
            batch = await ctx.bank.import_batch(
                data, filename=attachment.filename, settings=settings
            )
        except ValidationFailed as failure:
            await post(problems_card(failure, f"{attachment.filename}: nothing was imported"))
            continue
        progress = await ctx.bank.batch_progress(batch.id)
        await post(
            render.notice_card(
                f"Imported batch {batch.id}: {batch.name}",
                f"{counted(progress.tasks, 'task')}, {format_cents(batch.pay_cents, ctx.currency)} each, overlap {batch.overlap}.",
                "success",
            )
        )


def _is_settings(filename: str) -> bool:
    return PurePath(filename).suffix.lower() == ".json"


async def _csv_settings(
    csv_file: Attachment, settings_files: list[Attachment], limit: int
) -> dict[str, Any]:
    stem = PurePath(csv_file.filename).stem
    named = [
        a
        for a in settings_files
        if PurePath(a.filename).name in (f"{stem}.settings.json", f"{stem}.json")
    ]
    chosen = named or (settings_files if len(settings_files) == 1 else [])
    if not chosen:
        raise ValidationFailed(
            [
                Problem(
                    "settings",
                    "a CSV file needs its batch settings (project, name, template, pay_cents): attach "
                    f"them as a JSON file beside it, named {stem}.settings.json"
                    + (
                        " (several .json files came, and none by that name)"
                        if settings_files
                        else ""
                    ),
                    csv_file.filename,
                )
            ]
        )
    source = chosen[0]
    return read_settings_object(await source.read(SETTINGS_MAX_BYTES), source.filename)


async def status_card(bank: TaskBank, batch_id: int, currency: str) -> Card:
    """Progress, throughput and pending reviews of one batch (in chat and `taskbot batch status`)."""
    progress = await bank.batch_progress(batch_id)
    batch = progress.batch
    answered = sum(progress.submissions.values())
    throughput = "—"
    if progress.first_submitted_at and progress.last_submitted_at and answered > 1:
        hours = (progress.last_submitted_at - progress.first_submitted_at).total_seconds() / 3600
        throughput = f"{answered / hours:.1f} answers/hour" if hours > 0 else "—"
    share = answered / progress.slots if progress.slots else 0
    calibration = fairwork_render.calibration_text(await bank.pay_calibration(batch_id), currency)
    return Card(
        title=f"Batch {batch.id}: {batch.name} ({batch.state.value})",
        fields=(
            Field("Progress", f"{answered} of {progress.slots} answers ({share:.0%})"),
            Field("Tasks", str(progress.tasks)),
            Field("In progress", str(progress.assignments.get("active", 0))),
            Field("Pending review", str(progress.submissions.get("pending", 0))),
            Field("Approved", str(progress.submissions.get("approved", 0))),
            Field("Rejected", str(progress.submissions.get("rejected", 0))),
            Field("Throughput", throughput),
            Field("Pay", f"{format_cents(batch.pay_cents, currency)} × overlap {batch.overlap}"),
            Field("Quality", quality_line(await bank.batch_quality(batch_id, resamples=0))),
            await quality.paused_field(bank, batch_id),
        ),
        blocks=(calibration,),
    )


async def tally_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/tally [day|week|month]`: post the tally now in the coordinators' channel; typed anywhere
    else, it goes to the coordinator privately (everyone's pay is not for a public channel)."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/tally")
    kind = event.args[0] if event.args else "week"
    if kind not in ("day", "week", "month"):
        raise ValidationFailed([Problem("period", "expected day, week or month")])
    now: datetime = ctx.bank.now()
    period = period_containing(now, kind, ctx.time_zone)  # type: ignore[arg-type]
    tally = await ctx.bank.tally(period)
    card = render.tally_card(tally, f"Tally, {period.label}", ctx.currency)
    card = await fair_work.tally_notes(ctx, card, period)
    if event.place.channel_id == ctx.coordinator_place.channel_id:
        await ctx.port.post_card(event.place, card)
    else:
        await ctx.reply(event, card)
