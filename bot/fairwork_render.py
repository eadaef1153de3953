"""How fair-work figures read in chat: hourly rates both ways with their band, against the floor
and each project's target; when waiting work is approved automatically; appeal and bonus cards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from bot.render import local_time
from bot.ui import Card
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


def _minutes(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def rate_headline(rate: HourlyRate, currency: str) -> str:
    """'$14.10/h on approved work; $11.80/h counting everything 🟢 green (above $10.00/h)'."""
    everything = rate.all_in_hourly_cents
    graded = "" if everything is None else " " + band_text(everything, currency)
    paid = rate.paid_work_hourly_cents
    approved = (
        "no approved work yet" if paid is None else f"{_per_hour(paid, currency)} on approved work"
    )
    return f"{approved}; {_per_hour(everything, currency)} counting everything{graded}"


def rate_block(rate: HourlyRate | None, policy: FairWorkPolicy, currency: str) -> str:
    """A writer's own rates with how they are made, against the floor and their projects' targets."""
    if rate is None or rate.total_seconds <= 0:
        return "Hourly rate: no finished work in this period yet."
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
    everything = rate.all_in_hourly_cents or 0
    floor = policy.floor_hourly_cents
    if floor:
        side = "below" if everything < floor else "at or above"
        lines.append(
            f"Counting everything you are {side} the floor of {format_cents(floor, currency)}/h."
        )
    for name, target in rate.targets:
        lines.append(
            f"{name} aims for {format_cents(target, currency)}/h: counting everything you are at"
            f" {everything / target:.0%} of it."
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
