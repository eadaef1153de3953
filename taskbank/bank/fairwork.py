"""Fair work: honest hourly rates, rejection notices, appeals, bonuses, calibration and open work."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from taskbank import (
    appeals,
    bonuses,
    calibration,
    fairpay,
    openwork,
    portfolio,
    reasons,
    topups,
)
from taskbank.appeal_row import AppealRow
from taskbank.appeals import AppealCase, ReviewerAppeals
from taskbank.bonuses import RuleBonus
from taskbank.calibration import PayCalibration
from taskbank.fairpay import AwaitingApproval, HourlyRate
from taskbank.models import (
    LedgerEntry,
    Period,
)
from taskbank.openwork import WorkOffer
from taskbank.reasons import RejectionNotice
from taskbank.topups import TopUp

if TYPE_CHECKING:
    pass


class FairWork:
    """The TaskBank's fairwork methods (state and store come from TaskBank)."""

    # -- fair work (logic in taskbank/fairpay.py and taskbank/appeals.py) --------------------

    async def hourly_rates(self, period: Period, writer_id: str | None = None) -> list[HourlyRate]:
        """Each writer's honest hourly rates for the work done in a period."""
        return await fairpay.hourly_rates(self, period, writer_id)

    async def awaiting_approval(self, writer_id: str, window: timedelta) -> list[AwaitingApproval]:
        """A writer's unreviewed answers with when each is approved automatically."""
        return await fairpay.awaiting_approval(self, writer_id, window)

    async def awaiting_approval_by_writer(
        self, window: timedelta
    ) -> dict[str, list[AwaitingApproval]]:
        """Every writer's unreviewed answers (one read), by writer, soonest first."""
        return await fairpay.awaiting_approval_by_writer(self, window)

    async def rejection_notice(
        self, submission_id: int, appeal_window: timedelta | None
    ) -> RejectionNotice:
        """What the writer of a rejected answer is told: reason, cited guideline, appeal date."""
        return await reasons.rejection_notice(self, submission_id, appeal_window)

    async def file_appeal(
        self, submission_id: int, writer_id: str, note: str, window: timedelta | None
    ) -> AppealCase:
        """A writer appeals their rejected answer within the window."""
        return await appeals.file_appeal(self, submission_id, writer_id, note, window)

    async def decide_appeal(
        self, appeal_id: int, coordinator_id: str, upheld: bool, reason: str | None = None
    ) -> AppealCase:
        """A coordinator (not the reviewer, not the writer) upholds and pays, or denies."""
        return await appeals.decide_appeal(self, appeal_id, coordinator_id, upheld, reason)

    async def appeal_case(self, appeal_id: int) -> AppealCase:
        """An appeal with its task, answer and the rejection's reason."""
        return await appeals.appeal_case(self, appeal_id)

    async def open_appeals(self) -> list[AppealRow]:
        """Appeals waiting for a decision, oldest first."""
        return await self.store.open_appeals()  # type: ignore[attr-defined]

    async def appeal_report(self) -> list[ReviewerAppeals]:
        """Per reviewer, how their rejections fared on appeal."""
        return await appeals.appeal_report(self)

    async def grant_bonus(
        self, writer_id: str, amount_cents: int, reason: str, granted_by: str
    ) -> LedgerEntry:
        """A coordinator's bonus for a writer, as a new ledger entry with its reason."""
        return await bonuses.grant_bonus(self, writer_id, amount_cents, reason, granted_by)

    async def pay_calibration(
        self, batch_id: int, floor_cents: int = 725, min_timings: int = calibration.MIN_TIMINGS
    ) -> PayCalibration:
        """What a batch's pay makes per hour at typical times, and what would reach the target."""
        return await calibration.pay_calibration(self, batch_id, floor_cents, min_timings)

    async def top_up_to_target(
        self, period: Period, period_key: str, project_names: tuple[str, ...]
    ) -> list[TopUp]:
        """Bonus entries that bring opted-in projects' writers up to the target rate."""
        return await topups.top_up_to_target(self, period, period_key, project_names)

    async def open_work(
        self, writer_id: str, min_timings: int = openwork.MIN_TIMINGS
    ) -> list[WorkOffer]:
        """Open batches as a writer weighs them before claiming: pay, time (the median once a
        batch has `min_timings` answers, else the coordinator's estimate), rate, what is left."""
        return await openwork.open_work(self, writer_id, min_timings)

    async def writer_record_csv(self, writer_id: str) -> tuple[str, int]:
        """A writer's own record (answers, verdicts, reasons, pay, bonuses) as CSV, and its rows."""
        return await portfolio.writer_record_csv(self, writer_id)

    async def gold_accuracy_bonus(
        self,
        batch_id: int,
        min_percent: int,
        amount_cents: int,
        reason: str,
        granted_by: str,
    ) -> list[RuleBonus]:
        """A batch rule: a bonus for every writer whose gold accuracy reaches `min_percent`."""
        return await bonuses.gold_accuracy_bonus(
            self, batch_id, min_percent, amount_cents, reason, granted_by
        )

    async def untold_automatic_rejections(self, within: timedelta) -> list[int]:
        """Gold-check rejections of the last `within` whose writer was not yet told."""
        return await self.store.automatic_rejections_since(self.now() - within)  # type: ignore[attr-defined]

    async def terms_shown(self, project_id: int, writer_id: str) -> None:
        """Note that a writer was shown a project's terms (reading them counts as time given)."""
        await self.store.record_terms_shown(project_id, writer_id, self.now())  # type: ignore[attr-defined]
