"""Open work before claiming: per open batch, its pay, how long its tasks take, the hourly rate
that makes, the tasks this writer can still take, the deadline and the approval window.

How long a task takes is the median time on task of the batch's answers once it has
`min_timings` of them; until then the coordinator's estimate from the batch file
(`estimate_minutes`), when there is one; and each offer says which it is, so a guess is never
read as a measurement.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from taskbank.calibration import MIN_TIMINGS

if TYPE_CHECKING:
    from taskbank.service import TaskBank


class TimeSource(StrEnum):
    """Where an offer's time per task comes from."""

    MEDIAN = "median"  # measured: the median of enough timed answers
    ESTIMATE = "estimate"  # the coordinator's estimate, until there are enough answers
    NONE = "none"  # neither yet


@dataclass(frozen=True)
class WorkOffer:
    """One open batch as a writer weighs it before claiming."""

    batch_id: int
    name: str
    title: str
    project_name: str
    pay_cents: int
    tasks_left: int
    deadline: datetime | None
    timings: int
    median_seconds: Fraction | None  # exact; None: fewer than `min_timings` answers so far
    estimate_seconds: int | None = None  # the coordinator's, from the batch file
    min_timings: int = MIN_TIMINGS

    @property
    def time_source(self) -> TimeSource:
        """The median once there is one, else the coordinator's estimate, else nothing."""
        if self.median_seconds is not None:  # measured, even at 0 (answers under a second)
            return TimeSource.MEDIAN
        return TimeSource.ESTIMATE if self.estimate_seconds else TimeSource.NONE

    @property
    def seconds_per_task(self) -> Fraction | int | None:
        """The time per task the offer is judged by (see `time_source`)."""
        if self.median_seconds is not None:
            return self.median_seconds
        return self.estimate_seconds or None

    @property
    def estimated_hourly_cents(self) -> int | None:
        """Pay per hour at `seconds_per_task`, when there is one."""
        seconds = self.seconds_per_task
        return None if not seconds else int(self.pay_cents * 3600 // seconds)


async def open_work(
    bank: TaskBank, writer_id: str, min_timings: int = MIN_TIMINGS
) -> list[WorkOffer]:
    """Every open batch this writer could still claim from, in claim order; a batch's median
    counts once it has `min_timings` timed answers."""
    offers = []
    for row in await bank.store.open_work(writer_id, bank.now()):  # type: ignore[attr-defined]
        if row["tasks_left"] <= 0:
            continue
        seconds = await bank.store.batch_timings(row["id"])  # type: ignore[attr-defined]
        # The same median pay calibration reads (its quartiles' middle is the median).
        enough = bool(seconds) and len(seconds) >= min_timings
        offers.append(
            WorkOffer(
                batch_id=row["id"],
                name=row["name"],
                title=row["title"],
                project_name=row["project_name"],
                pay_cents=int(row["pay_cents"]),
                tasks_left=int(row["tasks_left"]),
                deadline=row["deadline"],
                timings=len(seconds),
                median_seconds=statistics.median(map(Fraction, seconds)) if enough else None,
                estimate_seconds=row["estimate_seconds"],
                min_timings=min_timings,
            )
        )
    return offers


__all__ = ["MIN_TIMINGS", "TimeSource", "WorkOffer", "open_work"]
