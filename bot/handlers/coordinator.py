"""Coordinators: import, list, inspect, pause, resume, close and export batches; post a tally."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from pathlib import PurePath
from typing import Any

from bot import budget, fairwork_render, render
from bot.arguments import at_most, whole_number
from bot.config import ScheduleConfig
from bot.events import Attachment, CommandEvent
from bot.extras import module_available
from bot.handlers import quality, scripts
from bot.handlers.context import BotContext
from bot.quality_view import quality_line
from bot.roles import Role
from bot.text import counted
from bot.ui import Card, Field, FileUpload
from taskbank.batchfile import read_settings_object
from taskbank.credit import contributors_file_name
from taskbank.errors import Problem, ValidationFailed
from taskbank.export import export_file_name
from taskbank.fairpay import FairWorkPolicy
from taskbank.models import Batch, BatchState
from taskbank.money import format_cents
from taskbank.periods import period_containing
from taskbank.service import TaskBank
from taskbank.shares import percent

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
        at_most(rest, 0, "/batch list")
        rows = await batch_rows(ctx.bank, ctx.currency)
        await post(
            render.notice_card(
                "Batches",
                "\n".join(_list_line(row) for row in rows)
                or "No batches yet: attach a JSONL file to /batch import.",
            )
        )
        return
    if verb not in ("status", "export", *_STATES):
        raise usage(f"unknown /batch action '{verb}'")
    at_most(rest, 2 if verb == "export" else 1, BATCH_USAGE)
    batch_id = _batch_id(rest)
    if verb == "status":
        await post(
            await status_card(ctx.bank, batch_id, ctx.currency, ctx.fair_work, ctx.time_zone)
        )
    elif verb in _STATES:
        current = await ctx.bank.batch(batch_id)
        if current.state is BatchState.CLOSED:
            raise ValidationFailed(
                [
                    Problem(
                        "batch",
                        f"batch {current.id} {current.name} is closed, and closing is final; "
                        "import its file again as a new batch to hand out more",
                    )
                ]
            )
        batch = await ctx.bank.set_batch_state(batch_id, _STATES[verb])
        await post(
            render.notice_card(
                f"Batch {batch.id} {batch.name} is {batch.state.value}",
                CLOSED_IS_FINAL if batch.state is BatchState.CLOSED else "",
                tone="success",
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
            await asyncio.to_thread(_encoded, out),  # megabytes: off the event loop
            f"{counted(count, 'answer')} from batch {batch.id}",
        )
        await ctx.port.upload_file(event.place, upload, to=event.actor)
        credits = io.StringIO()
        named, others = await ctx.bank.export_contributors(batch_id, credits)
        await ctx.port.upload_file(
            event.place,
            FileUpload(
                contributors_file_name(PurePath(upload.filename)).name,
                credits.getvalue().encode(),
                f"contributors to batch {batch.id}: {named} credited, {others} more",
            ),
            to=event.actor,
        )


def _encoded(out: io.StringIO) -> bytes:
    return out.getvalue().encode()


def _batch_id(rest: tuple[str, ...]) -> int:
    if not rest:
        raise usage("give the batch id")
    return whole_number(rest[0], "batch id")


async def import_files(ctx: BotContext, event: CommandEvent, post) -> None:  # type: ignore[no-untyped-def]
    """`/batch import`: each attached batch file whole or not at all; a CSV takes its settings
    from a `.json` file attached beside it (its own `<name>.settings.json`, or the only one)."""
    if not event.attachments:
        raise usage("attach a JSONL or CSV file to /batch import")
    attachments = [await a.described() for a in event.attachments]
    files = [a for a in attachments if not _is_settings(a.filename)]
    settings_files = [a for a in attachments if _is_settings(a.filename)]
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
        warning = await budget.import_warning(ctx.bank, batch, ctx.currency)
        if warning:
            await post(
                render.notice_card(f"Budget: batch {batch.id} may stop early", warning, "warning")
            )
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


# The columns `taskbot batch list` prints, and the chat's `/batch list` shows a line of.
BATCH_COLUMNS = (
    "id",
    "name",
    "template",
    "state",
    "pay",
    "overlap",
    "tasks",
    "answers",
    "done",
    "approved",
)
CLOSED_IS_FINAL = (
    "Closing is final: a closed batch cannot be resumed (pause it to stop for a while)."
)
# Throughput is shown only over enough answers and time to mean something.
THROUGHPUT_MIN_ANSWERS = 5
THROUGHPUT_MIN_HOURS = 0.25


async def batch_rows(bank: TaskBank, currency: str) -> list[tuple[str, ...]]:
    """Every batch as the values of BATCH_COLUMNS (CLI table and chat list alike)."""
    rows = []
    for batch in await bank.list_batches():
        progress = await bank.batch_progress(batch.id)
        answered = sum(progress.submissions.values())
        share = answered / progress.slots if progress.slots else 0
        rows.append(
            (
                str(batch.id),
                batch.name,
                batch.template,
                batch.state.value,
                format_cents(batch.pay_cents, currency),
                str(batch.overlap),
                str(progress.tasks),
                str(answered),
                percent(share),
                str(progress.submissions.get("approved", 0)),
            )
        )
    return rows


def _list_line(row: tuple[str, ...]) -> str:
    batch_id, name, template, state, pay, overlap, tasks, answers, done, approved = row
    return (
        f"{batch_id}: {name} ({template}, {state}) · {pay} × overlap {overlap} · "
        f"{counted(int(tasks), 'task')} · {counted(int(answers), 'answer')} ({done} done) · "
        f"{approved} approved"
    )


def throughput_text(answered: int, first: datetime | None, last: datetime | None) -> str:
    """Answers per hour, only once there are enough answers over enough time."""
    if first is None or last is None or answered < THROUGHPUT_MIN_ANSWERS:
        return f"— (shown from {THROUGHPUT_MIN_ANSWERS} answers)"
    hours = (last - first).total_seconds() / 3600
    if hours < THROUGHPUT_MIN_HOURS:
        return f"— (shown once answers span {int(THROUGHPUT_MIN_HOURS * 60)} minutes)"
    return f"{answered / hours:.1f} answers/hour"


async def status_card(
    bank: TaskBank,
    batch_id: int,
    currency: str,
    fair_work: FairWorkPolicy | None = None,
    zone: str = "UTC",
) -> Card:
    """Progress, throughput, budget, pending reviews and pay calibration (against the
    `[fair_work]` floor and `min_timings`) of one batch (in chat and `taskbot batch status`)."""
    fair_work = fair_work or FairWorkPolicy()
    progress = await bank.batch_progress(batch_id)
    batch = progress.batch
    answered = sum(progress.submissions.values())
    throughput = throughput_text(answered, progress.first_submitted_at, progress.last_submitted_at)
    share = answered / progress.slots if progress.slots else 0
    budget_shown = await budget_fields(bank, batch, currency)
    closed = (Field("Closed", CLOSED_IS_FINAL),) if batch.state is BatchState.CLOSED else ()
    calibration = fairwork_render.calibration_text(
        await bank.pay_calibration(batch_id, fair_work.floor_hourly_cents, fair_work.min_timings),
        currency,
    )
    return Card(
        title=f"Batch {batch.id}: {batch.name} ({batch.state.value})",
        fields=(
            Field("Progress", f"{answered} of {progress.slots} answers ({percent(share)})"),
            Field("Tasks", str(progress.tasks)),
            Field("In progress", str(progress.assignments.get("active", 0))),
            Field("Pending review", str(progress.submissions.get("pending", 0))),
            Field("Approved", str(progress.submissions.get("approved", 0))),
            Field("Rejected", str(progress.submissions.get("rejected", 0))),
            Field("Throughput", throughput),
            Field("Pay", f"{format_cents(batch.pay_cents, currency)} × overlap {batch.overlap}"),
            Field("Deadline", deadline_text(batch, zone, bank.now())),
            Field("Quality", quality_line(await bank.batch_quality(batch_id, resamples=0))),
            await quality.paused_field(bank, batch_id),
            *budget_shown,
            *closed,
        ),
        blocks=(calibration,),
    )


def deadline_text(batch: Batch, zone: str, now: datetime) -> str:
    """A batch's deadline in each reader's zone, and whether it has passed."""
    if batch.deadline is None:
        return "none"
    passed = " (passed: no new claims)" if batch.deadline <= now else ""
    return render.local_time(batch.deadline, zone) + passed


async def budget_fields(bank: TaskBank, batch: Batch, currency: str) -> tuple[Field, ...]:
    """The project's budget, spent, promised and left, when it has a cap."""
    found = (await budget.budgets(bank)).get(batch.project_id)
    return () if found is None else (Field("Budget", budget.status_line(found, batch, currency)),)


async def tally_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/tally [day|week|month]`: post the tally now in the coordinators' channel; typed anywhere
    else, it goes to the coordinator privately (everyone's pay is not for a public channel)."""
    ctx.roles.require(event.actor, Role.COORDINATOR, "/tally")
    at_most(event.args, 1, "/tally [day|week|month]")
    kind = event.args[0] if event.args else "week"
    if kind not in ("day", "week", "month"):
        raise ValidationFailed([Problem("period", "expected day, week or month")])
    from bot.scheduler import Jobs  # the scheduled tally's own steps, asked for now

    now: datetime = ctx.bank.now()
    period = period_containing(now, kind, ctx.time_zone)  # type: ignore[arg-type]
    # Everyone's pay is for the coordinators' channel; typed anywhere else it comes privately.
    in_channel = event.place.channel_id == ctx.coordinator_place.channel_id
    jobs = Jobs(ctx, ScheduleConfig(tally_chart=module_available("matplotlib")))
    await jobs.post_tally_now(
        period, event.place, event.actor.platform, privately_to=None if in_channel else event.actor
    )
