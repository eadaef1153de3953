"""Pay calibration: per batch, what its pay per task makes per hour at the median and the 75th
percentile time on task, and the pay per task that would reach the project's target rate.

Timings are the batch's answers' time on task (claim to submit). With fewer than
`MIN_TIMINGS` answers there is nothing to calibrate on yet, and the figures say so.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taskbank.service import TaskBank

MIN_TIMINGS = 5


@dataclass(frozen=True)
class PayCalibration:
    """A batch's pay against its target rate at two typical times on task."""

    batch_id: int
    pay_cents: int
    target_cents: int
    target_is_projects: bool  # False: the floor stands in for a project without a target
    timings: int
    # exact (4.5 s is 4.5 s: rounded to a whole second, round(4.5) = 4 rated it an eighth higher)
    median_seconds: Fraction | None = None
    p75_seconds: Fraction | None = None
    min_timings: int = MIN_TIMINGS  # timed answers needed before the figures are calibrated

    @property
    def ready(self) -> bool:
        return self.median_seconds is not None

    @staticmethod
    def _hourly(pay: int, seconds: Fraction | None) -> int | None:
        return None if not seconds else int(pay * 3600 // seconds)

    @staticmethod
    def _reaching(target: int, seconds: Fraction | None) -> int | None:
        return None if seconds is None else int(-(-target * seconds // 3600))

    @property
    def median_hourly_cents(self) -> int | None:
        """What the pay makes per hour at the median time."""
        return self._hourly(self.pay_cents, self.median_seconds)

    @property
    def p75_hourly_cents(self) -> int | None:
        """What the pay makes per hour at the 75th-percentile time."""
        return self._hourly(self.pay_cents, self.p75_seconds)

    @property
    def pay_for_target_at_median(self) -> int | None:
        """Pay per task (rounded up to a cent) that reaches the target at the median time."""
        return self._reaching(self.target_cents, self.median_seconds)

    @property
    def pay_for_target_at_p75(self) -> int | None:
        """Pay per task that reaches the target at the 75th-percentile time."""
        return self._reaching(self.target_cents, self.p75_seconds)


def calibrate(
    batch_id: int,
    pay_cents: int,
    target_cents: int,
    from_project: bool,
    seconds: list[int],
    min_timings: int = MIN_TIMINGS,
) -> PayCalibration:
    """The calibration of one batch from its answers' times on task (none below `min_timings`)."""
    base = PayCalibration(
        batch_id, pay_cents, target_cents, from_project, len(seconds), min_timings=min_timings
    )
    if len(seconds) < max(min_timings, 1):
        return base
    exact = sorted(Fraction(s) for s in seconds)
    if len(exact) == 1:  # quantiles needs two points; one answer is its own median and p75
        return replace(base, median_seconds=exact[0], p75_seconds=exact[0])
    _, median, p75 = statistics.quantiles(exact, n=4, method="inclusive")
    return replace(base, median_seconds=median, p75_seconds=p75)


async def pay_calibration(
    bank: TaskBank, batch_id: int, floor_cents: int, min_timings: int = MIN_TIMINGS
) -> PayCalibration:
    """A batch's calibration against its project's target (or `floor_cents` when it has none),
    once it has `min_timings` timed answers (`[fair_work] min_timings`)."""
    batch = await bank.batch(batch_id)
    project = await bank.project(batch.project_id)
    target = project.target_hourly_cents or floor_cents
    seconds = await bank.store.batch_timings(batch_id)  # type: ignore[attr-defined]
    return calibrate(
        batch_id, batch.pay_cents, target, bool(project.target_hourly_cents), seconds, min_timings
    )
