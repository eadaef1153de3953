"""An honest hourly rate: what a writer's time earned, counting the time that earned nothing.

Two figures per writer and period, both from the ledger and the holds on tasks:

- on approved work: cents the ledger paid for approved answers, per hour spent on those answers;
- counting everything: paid + pending pay + bonuses and adjustments, per hour of every hold —
  approved, pending and rejected answers, skipped, released and expired leases — and of reading
  a project's terms.

Work belongs to the period it was done in (the hold's end: the submit, skip, release or lease
expiry), not the one it was paid in, so work done in week 1 and approved in week 2 shows its rate
in week 1. Bonuses and adjustments belong to the period they were entered in. A hold that did
not become an answer counts at most up to its lease's end; terms reading at most `TERMS_CAP`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from taskbank.models import Period, Project
from taskbank.store.fairwork import HoldRow, PendingRow, TermsRow

if TYPE_CHECKING:
    from taskbank.service import TaskBank

# Workers' own tools grade requesters by hourly pay: under $7.25 red, $7.25–10 orange, above green.
RED_BELOW_CENTS = 725
GREEN_ABOVE_CENTS = 1000
TERMS_CAP = timedelta(minutes=30)


class Band(StrEnum):
    """How an hourly rate grades."""

    RED = "red"
    ORANGE = "orange"
    GREEN = "green"


def band(hourly_cents: int) -> Band:
    """Under $7.25 red, $7.25 to $10 orange, above $10 green."""
    if hourly_cents < RED_BELOW_CENTS:
        return Band.RED
    return Band.GREEN if hourly_cents > GREEN_ABOVE_CENTS else Band.ORANGE


@dataclass(frozen=True)
class FairWorkPolicy:
    """The project-wide fair-work settings (the `[fair_work]` configuration table)."""

    floor_hourly_cents: int = 725
    approval_hours: int = 72
    appeal_days: int = 14
    top_up_projects: tuple[str, ...] = ()
    # Reviewers judge the work, not the person: the author is hidden unless the project is here.
    authors_shown_to_reviewers: tuple[str, ...] = ()
    # Timed answers a batch needs before its median replaces the coordinator's estimate.
    min_timings: int = 5

    @property
    def approval_window(self) -> timedelta:
        """How long unreviewed work waits before it is approved automatically."""
        return timedelta(hours=self.approval_hours)

    @property
    def appeal_window(self) -> timedelta | None:
        """How long a writer may appeal a rejection; None when appeals are off."""
        return timedelta(days=self.appeal_days) if self.appeal_days else None


@dataclass(frozen=True)
class HourlyRate:
    """One writer's time and money for a period, and the two rates they make."""

    writer_id: str
    paid_cents: int = 0
    pending_cents: int = 0
    extra_cents: int = 0
    approved_seconds: int = 0
    pending_seconds: int = 0
    rejected_seconds: int = 0
    skipped_seconds: int = 0
    released_seconds: int = 0
    expired_seconds: int = 0
    terms_seconds: int = 0
    # holds counted, and approved answers among them: work timed at 0 seconds is still work
    holds: int = 0
    approved_answers: int = 0
    targets: tuple[tuple[str, int], ...] = field(default=())

    @property
    def total_seconds(self) -> int:
        """Every second given: answers of every verdict, unpaid holds, terms."""
        return self.approved_seconds + self.pending_seconds + self.unpaid_seconds

    @property
    def unpaid_seconds(self) -> int:
        """Time that earned nothing: rejected answers, skips, releases, expiries, terms."""
        return (
            self.rejected_seconds
            + self.skipped_seconds
            + self.released_seconds
            + self.expired_seconds
            + self.terms_seconds
        )

    @property
    def counted_cents(self) -> int:
        """Paid, pending and extra money together."""
        return self.paid_cents + self.pending_cents + self.extra_cents

    @property
    def paid_work_hourly_cents(self) -> int | None:
        """Cents per hour on approved work only; None without approved time."""
        if self.approved_seconds <= 0:
            return None
        return self.paid_cents * 3600 // self.approved_seconds

    @property
    def all_in_hourly_cents(self) -> int | None:
        """Cents per hour counting everything; None without any time."""
        if self.total_seconds <= 0:
            return None
        return self.counted_cents * 3600 // self.total_seconds


_SECONDS_FIELD = {
    "released": "released_seconds",
    "skipped": "skipped_seconds",
    "expired": "expired_seconds",
    "approved": "approved_seconds",
    "pending": "pending_seconds",
    "rejected": "rejected_seconds",
}


def _add(rate: HourlyRate, **more: int) -> HourlyRate:
    return replace(rate, **{name: getattr(rate, name) + value for name, value in more.items()})


def compute_rates(
    holds: Iterable[HoldRow],
    terms: Iterable[TermsRow],
    extras: Iterable[tuple[str, str, int]],
    projects: Mapping[int, Project],
) -> list[HourlyRate]:
    """Per writer, the figures of one period (see the module docstring), sorted by writer."""
    rates: dict[str, HourlyRate] = {}
    worked: dict[str, set[int]] = defaultdict(set)

    def line(writer: str) -> HourlyRate:
        return rates.setdefault(writer, HourlyRate(writer))

    for hold in holds:
        worked[hold.writer_id].add(hold.project_id)
        key = hold.status if hold.submission_id is not None else hold.state
        rate = _add(
            line(hold.writer_id), holds=1, **{_SECONDS_FIELD[key or "pending"]: hold.seconds}
        )
        if key == "approved":
            rate = _add(rate, paid_cents=hold.earned_cents, approved_answers=1)
        elif key == "pending":
            rate = _add(rate, pending_cents=hold.pay_cents)
        rates[hold.writer_id] = rate
    cap = int(TERMS_CAP.total_seconds())
    for reading in terms:
        worked[reading.writer_id].add(reading.project_id)
        seconds = int((reading.accepted_at - reading.shown_at).total_seconds())
        rates[reading.writer_id] = _add(
            line(reading.writer_id), terms_seconds=min(cap, max(0, seconds))
        )
    for writer, _kind, cents in extras:
        rates[writer] = _add(line(writer), extra_cents=cents)
    result = []
    for writer in sorted(rates):
        targets = tuple(
            (projects[pid].name, projects[pid].target_hourly_cents or 0)
            for pid in sorted(worked[writer])
            if pid in projects and projects[pid].target_hourly_cents
        )
        result.append(replace(rates[writer], targets=targets))
    return result


async def hourly_rates(
    bank: TaskBank, period: Period, writer_id: str | None = None, project_id: int | None = None
) -> list[HourlyRate]:
    """Every writer's rates for a period (or one writer's), read from the bank's store; with
    `project_id`, only that project's work (bonuses and adjustments, which name no project, left
    out)."""
    store = bank.store
    holds = await store.fair_work_holds(period.start, period.end, writer_id)  # type: ignore[attr-defined]
    terms = await store.fair_work_terms(period.start, period.end, writer_id)  # type: ignore[attr-defined]
    extras = await store.fair_work_extras(period.start, period.end, writer_id)  # type: ignore[attr-defined]
    if project_id is not None:
        holds = [h for h in holds if h.project_id == project_id]
        terms = [t for t in terms if t.project_id == project_id]
        extras = []
    project_ids = {h.project_id for h in holds} | {t.project_id for t in terms}
    projects = {pid: await bank.project(pid) for pid in sorted(project_ids)}
    if writer_id is None:  # every writer's (a tally): too much arithmetic for the event loop
        return await asyncio.to_thread(compute_rates, holds, terms, extras, projects)
    return compute_rates(holds, terms, extras, projects)


@dataclass(frozen=True)
class AwaitingApproval:
    """A submission waiting for a verdict, and when it is approved (and paid) automatically."""

    pending: PendingRow
    approved_by: datetime


async def awaiting_approval(
    bank: TaskBank, writer_id: str, window: timedelta
) -> list[AwaitingApproval]:
    """A writer's unreviewed submissions with their automatic approval time, soonest first."""
    found = await bank.store.pending_for_writer(writer_id)  # type: ignore[attr-defined]
    return _awaiting(found, window)


async def awaiting_approval_by_writer(
    bank: TaskBank, window: timedelta
) -> dict[str, list[AwaitingApproval]]:
    """Every writer's unreviewed submissions, as `awaiting_approval` gives one writer's."""
    found = await bank.store.pending_by_writer()  # type: ignore[attr-defined]
    return {writer: _awaiting(rows, window) for writer, rows in found.items()}


def _awaiting(rows: list[PendingRow], window: timedelta) -> list[AwaitingApproval]:
    """Pending rows, each with the moment it is approved automatically."""
    return [AwaitingApproval(row, row.submitted_at + window) for row in rows]
