"""Open work before claiming: per open batch, its pay, how long its tasks take (the median time
on task once there are enough answers, and saying so when there are not), the hourly rate that
makes, the tasks this writer can still take, the deadline and the approval window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from taskbank.calibration import MIN_TIMINGS, calibrate

if TYPE_CHECKING:
    from taskbank.service import TaskBank


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
    median_seconds: int | None  # None: fewer than MIN_TIMINGS answers so far

    @property
    def estimated_hourly_cents(self) -> int | None:
        """Pay per hour at the median time on task, when there is one."""
        if not self.median_seconds:
            return None
        return self.pay_cents * 3600 // self.median_seconds


async def open_work(bank: TaskBank, writer_id: str) -> list[WorkOffer]:
    """Every open batch this writer could still claim from, in claim order."""
    offers = []
    for row in await bank.store.open_work(writer_id, bank.now()):  # type: ignore[attr-defined]
        if row["tasks_left"] <= 0:
            continue
        seconds = await bank.store.batch_timings(row["id"])  # type: ignore[attr-defined]
        cal = calibrate(row["id"], int(row["pay_cents"]), 0, False, seconds)
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
                median_seconds=cal.median_seconds,
            )
        )
    return offers


__all__ = ["MIN_TIMINGS", "WorkOffer", "open_work"]
