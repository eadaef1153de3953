"""How fair-work figures read in chat: hourly rates both ways with their band, against the floor
and each project's target; when waiting work is approved automatically; appeal and bonus cards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from bot.render import answer_text, duration_text, local_time, payload_blocks
from bot.ui import Button, Card, ControlRow, Field
from taskbank.appeal_row import AppealRow
from taskbank.appeals import AppealCase, ReviewerAppeals
from taskbank.calibration import PayCalibration
from taskbank.fairpay import (
    GREEN_ABOVE_CENTS,
    RED_BELOW_CENTS,
    AwaitingApproval,
    Band,
    FairWorkPolicy,
    HourlyRate,
    band,
)
from taskbank.money import format_cents
from taskbank.openwork import TimeSource, WorkOffer
from taskbank.reasons import RejectionNotice
from taskbank.shares import percent
from taskbank.topups import TopUp

_BAND_MARK = {Band.RED: "🔴", Band.ORANGE: "🟠", Band.GREEN: "🟢"}
SHOWN_WAITING = 10


def with_blocks(card: Card, *blocks: str) -> Card:
    """The card with more text blocks at its end (empty ones left out)."""
    more = tuple(b for b in blocks if b)
    return replace(card, blocks=(*card.blocks, *more)) if more else card


def band_text(hourly_cents: int, currency: str) -> str:
    """'🔴 red: under $7.25/h' and the like."""
    grade = band(hourly_cents)
    low, high = format_cents(RED_BELOW_CENTS, currency), format_cents(GREEN_ABOVE_CENTS, currency)
    where = {
        Band.RED: f"under {low}/h",
        Band.ORANGE: f"{low}–{high}/h",
        Band.GREEN: f"above {high}/h",
    }[grade]
    return f"{_BAND_MARK[grade]} {grade.value} ({where})"


def _per_hour(cents: int | None, currency: str) -> str:
    return "—" if cents is None else f"{format_cents(cents, currency)}/h"


def _minutes(seconds: int | Fraction) -> str:
    return duration_text(int(seconds))  # whole seconds, as a stopwatch reads


def rate_headline(rate: HourlyRate, currency: str) -> str:
    """'$14.10/h on approved work; $11.80/h counting everything 🟢 green (above $10.00/h)'."""
    everything = rate.all_in_hourly_cents
    graded = "" if everything is None else " " + band_text(everything, currency)
    paid = rate.paid_work_hourly_cents
    if paid is not None:
        approved = f"{_per_hour(paid, currency)} on approved work"
    elif rate.approved_answers:  # timed at 0 seconds (under one): paid, but no rate to show
        approved = (
            f"{format_cents(rate.paid_cents, currency)} paid for approved work timed under a"
            " second (no hourly rate)"
        )
    else:
        approved = "no approved work yet"
    return f"{approved}; {_per_hour(everything, currency)} counting everything{graded}"


def rate_block(rate: HourlyRate | None, policy: FairWorkPolicy, currency: str) -> str:
    """A writer's own rates with how they are made, against the floor and their projects' targets."""
    if rate is None or (rate.total_seconds <= 0 and not rate.holds and not rate.counted_cents):
        return "Hourly rate: no time on task recorded in this period yet."
    parts = [
        f"{label} {_minutes(seconds)}"
        for label, seconds in (
            ("rejected", rate.rejected_seconds),
            ("skipped", rate.skipped_seconds),
            ("released", rate.released_seconds),
            ("expired", rate.expired_seconds),
            ("reading terms", rate.terms_seconds),
        )
        if seconds
    ]
    money = f"{format_cents(rate.paid_cents, currency)} paid"
    if rate.pending_cents:
        money += f" + {format_cents(rate.pending_cents, currency)} pending"
    if rate.extra_cents:
        money += f" + {format_cents(rate.extra_cents, currency)} bonuses and adjustments"
    lines = [
        "Hourly rate: " + rate_headline(rate, currency),
        f"Time given: {_minutes(rate.total_seconds)} — {_minutes(rate.approved_seconds)} approved,"
        f" {_minutes(rate.pending_seconds)} awaiting review"
        + (f"; unpaid: {', '.join(parts)}" if parts else "")
        + f". Money: {money}.",
    ]
    everything = rate.all_in_hourly_cents
    if everything is None:  # money, but every hold timed under a second: no rate to compare
        return "\n".join(lines)
    floor = policy.floor_hourly_cents
    if floor:
        side = "below" if everything < floor else "at or above"
        lines.append(
            f"Counting everything you are {side} the floor of {format_cents(floor, currency)}/h."
        )
    for name, target in rate.targets:
        lines.append(
            f"{name} aims for {format_cents(target, currency)}/h: counting everything you are at"
            f" {percent(everything / target)} of it."
        )
    return "\n".join(lines)


def rates_summary(
    rates: Sequence[HourlyRate], currency: str, names: Mapping[str, str] | None = None
) -> str:
    """A line per writer for the coordinators' tally (work done in the period, whenever paid)."""
    if not rates:
        return ""
    lines = ["Hourly rates (work done in this period, whenever paid):"]
    for rate in rates:
        name = (names or {}).get(rate.writer_id, rate.writer_id)
        lines.append(f"{name}: {rate_headline(rate, currency)}")
    return "\n".join(lines)


def approval_block(waiting: Iterable[AwaitingApproval], zone: str, currency: str) -> str:
    """Unreviewed work with when each is approved (and paid) automatically."""
    waiting = list(waiting)
    if not waiting:
        return ""
    lines = ["Awaiting review (approved and paid automatically unless a reviewer decides first):"]
    for item in waiting[:SHOWN_WAITING]:
        lines.append(
            f"{item.pending.external_id}: {format_cents(item.pending.pay_cents, currency)},"
            f" approved by {local_time(item.approved_by, zone)}"
        )
    if len(waiting) > SHOWN_WAITING:
        lines.append(f"… and {len(waiting) - SHOWN_WAITING} more")
    return "\n".join(lines)


def rejection_card(notice: RejectionNotice, zone: str) -> Card:
    """The writer's private notice of a rejection: the reason, the guideline, how to appeal."""
    blocks = [f"Reason: {notice.reason}"]
    if notice.guideline:
        blocks.append(f"The guideline it cites: {notice.guideline}")
    if notice.appeal_by is not None:
        blocks.append(
            f"Think it was judged wrongly? Appeal by {local_time(notice.appeal_by, zone)}:"
            f" /appeal {notice.submission_id} <what the reviewer missed>. A coordinator who did"
            " not review it decides."
        )
    return Card(
        title=f"Rejected: {notice.task_external_id} ({notice.batch_title})",
        blocks=tuple(blocks),
        tone="warning",
    )


def appeal_card(case: AppealCase) -> Card:
    """An appeal for a coordinator: the task, the answer, the reason given and the appeal."""
    appeal, batch = case.appeal, case.batch
    answers = "\n".join(
        f"{q.prompt}: {answer_text(q, case.submission.answers.get(q.id))}" for q in batch.questions
    )
    return Card(
        title=f"Appeal {appeal.id}: {case.task.external_id} ({batch.title})",
        blocks=(
            *payload_blocks(batch, case.task),
            f"Answers:\n{answers}",
            f"Rejected by {appeal.reviewer_id}: {case.rejection_reason}",
            f"The writer's appeal: {appeal.note}",
        ),
        fields=(
            Field("Writer", appeal.writer_id),
            Field("Submission", str(appeal.submission_id)),
        ),
        footer=(
            f"Decide with /appeal uphold {appeal.id} [note] (approves and pays) or"
            f" /appeal deny {appeal.id} <reason>. Not for {appeal.reviewer_id}, who rejected it."
        ),
    )


def appeal_decision_card(case: AppealCase, currency: str) -> Card:
    """The writer's private notice of how their appeal was decided."""
    appeal = case.appeal
    if appeal.outcome == "upheld":
        pay = format_cents(case.batch.pay_cents, currency)
        note = f" Note: {appeal.decision_reason}" if appeal.decision_reason else ""
        return Card(
            title=f"Appeal upheld: {case.task.external_id}",
            blocks=(f"Your answer is approved and {pay} is paid into your ledger.{note}",),
            tone="success",
        )
    return Card(
        title=f"Appeal denied: {case.task.external_id}",
        blocks=(f"Reason: {appeal.decision_reason}", "This decision is final."),
        tone="warning",
    )


def open_appeals_card(waiting: Sequence[AppealRow], zone: str) -> Card:
    """Appeals waiting for a decision."""
    lines = [
        f"{a.id}: submission {a.submission_id} by {a.writer_id}, filed"
        f" {local_time(a.filed_at, zone)} (rejected by {a.reviewer_id})"
        for a in waiting
    ]
    return Card(title="Open appeals", blocks=("\n".join(lines) or "No appeal is waiting.",))


def appeal_report_card(report: Sequence[ReviewerAppeals]) -> Card:
    """Per reviewer: appeals of their rejections, and how they were decided."""
    lines = [
        f"{r.reviewer_id}: {r.total} appealed — {r.upheld} upheld, {r.denied} denied, {r.open} open"
        for r in report
    ]
    return Card(title="Appeals by reviewer", blocks=("\n".join(lines) or "No appeals yet.",))


def calibration_text(cal: PayCalibration, currency: str, name: str = "") -> str:
    """A batch's pay against its target at the median and 75th-percentile time on task."""
    lead = f"{name}: " if name else "Pay calibration: "
    if not cal.ready:
        return (
            f"{lead}{cal.timings} timed answer{'s' if cal.timings != 1 else ''} so far;"
            f" at least {cal.min_timings} are needed to calibrate pay."
        )
    pay = format_cents(cal.pay_cents, currency)
    whose = "the project's target" if cal.target_is_projects else "the floor (no project target)"
    return (
        f"{lead}at {pay} a task writers make {_per_hour(cal.median_hourly_cents, currency)} at the"
        f" median time on task ({_minutes(cal.median_seconds or 0)}) and"
        f" {_per_hour(cal.p75_hourly_cents, currency)} at the 75th percentile"
        f" ({_minutes(cal.p75_seconds or 0)}); {format_cents(cal.pay_for_target_at_median or 0, currency)}"
        f" a task reaches {whose} of {format_cents(cal.target_cents, currency)}/h at the median,"
        f" {format_cents(cal.pay_for_target_at_p75 or 0, currency)} at the 75th percentile."
    )


def top_up_card(top_up: TopUp, period_label: str, currency: str) -> Card:
    """A writer's notice of a top-up to the project's target rate."""
    return Card(
        title=f"A top-up of {format_cents(top_up.amount_cents, currency)}",
        blocks=(
            f"{top_up.project_name} tops your pay for {period_label} up to its target of"
            f" {format_cents(top_up.target_cents, currency)}/h, counting all the time you gave"
            " its tasks.",
        ),
        tone="success",
    )


SHOWN_OFFERS = 10


def _offer_time(offer: WorkOffer, currency: str) -> tuple[str, str]:
    """How long an offer's tasks take, saying whether measured or estimated, and the rate."""
    answers = f"{offer.timings} answer{'s' if offer.timings != 1 else ''}"
    match offer.time_source:
        case TimeSource.MEDIAN:
            timing = f"median time per task {_minutes(offer.median_seconds or 0)} ({answers})"
        case TimeSource.ESTIMATE:
            timing = (
                f"the coordinator's estimate: {_minutes(offer.estimate_seconds or 0)} a task"
                f" (timed answers so far: {offer.timings} of {offer.min_timings})"
            )
        case _:
            return (
                f"time per task: not enough answers yet ({offer.timings} of {offer.min_timings})",
                "rate: not estimated yet",
            )
    hourly = offer.estimated_hourly_cents
    if hourly is None:  # a median of 0 s: answers timed under a second have no rate
        return timing, "rate: none (answers timed under a second)"
    return timing, f"about {_per_hour(hourly, currency)} {band_text(hourly, currency)}"


def work_menu(
    offers: Sequence[WorkOffer], policy: FairWorkPolicy, zone: str, currency: str
) -> Card:
    """Open batches with what a writer weighs before claiming, and a claim button for each."""
    from bot.handlers.work import ClaimFrom  # the action lives with its handler

    if not offers:
        return Card(title="Open work", blocks=("No batch has a task for you right now.",))
    lines, buttons = [], []
    for offer in offers[:SHOWN_OFFERS]:
        timing, rate = _offer_time(offer, currency)
        deadline = (
            "no deadline" if offer.deadline is None else f"until {local_time(offer.deadline, zone)}"
        )
        lines.append(
            f"{offer.batch_id}: {offer.title} ({offer.project_name}) — "
            f"{format_cents(offer.pay_cents, currency)} a task; {timing}; {rate};"
            f" {offer.tasks_left} left for you; {deadline}"
        )
        buttons.append(Button(ClaimFrom(offer.batch_id).encode(), f"Claim from {offer.batch_id}"))
    rows = tuple(ControlRow(tuple(buttons[i : i + 5])) for i in range(0, len(buttons), 5))
    return Card(
        title="Open work",
        blocks=(
            "\n".join(lines),
            f"Unreviewed answers are approved and paid automatically {policy.approval_hours}h"
            " after you submit them.",
        ),
        rows=rows,
    )
