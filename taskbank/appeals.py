"""Appeals: a writer contests a rejection with a note, within the project's window; a coordinator
who is neither the reviewer who rejected nor the writer decides once. Upheld, the answer is
approved and paid by a new ledger entry (nothing in the ledger is edited); denied, the rejection
is final, with the coordinator's reason. Per reviewer, the counts of appeals and their outcomes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from taskbank.answer_text import written_note
from taskbank.appeal_row import AppealRow
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.models import Batch, Submission, SubmissionStatus, Task

if TYPE_CHECKING:
    from taskbank.service import TaskBank

MAX_NOTE_CHARS = 1000


@dataclass(frozen=True)
class AppealCase:
    """An appeal with everything its decider needs: the task, the answer, the reason."""

    appeal: AppealRow
    submission: Submission
    task: Task
    batch: Batch
    rejection_reason: str


@dataclass(frozen=True)
class ReviewerAppeals:
    """How one reviewer's rejections fared on appeal."""

    reviewer_id: str
    open: int = 0
    upheld: int = 0
    denied: int = 0

    @property
    def total(self) -> int:
        return self.open + self.upheld + self.denied


def _text(value: str | None, field: str, why: str) -> str:
    text = written_note(value, field, MAX_NOTE_CHARS)
    if text is None:
        raise ValidationFailed([Problem(field, why)])
    return text


async def file_appeal(
    bank: TaskBank,
    submission_id: int,
    writer_id: str,
    note: str,
    window: timedelta | None,
) -> AppealCase:
    """File the writer's appeal of their rejected submission, or refuse saying why."""
    if window is None:
        raise NotAllowed("this project takes no appeals")
    note = _text(note, "note", "say what the reviewer missed")
    submission = await bank.submission(submission_id)
    if submission.writer_id != writer_id:
        raise NotAllowed("only the writer of an answer can appeal its rejection")
    review = await bank.store.get_review(submission_id)
    if submission.status != SubmissionStatus.REJECTED or review is None:
        raise NotAllowed(
            f"submission {submission_id} is not rejected, so there is nothing to appeal"
        )
    if bank.now() > review.reviewed_at + window:
        raise NotAllowed(f"the {window.days}-day window to appeal this rejection has closed")
    appeal = await bank.store.insert_appeal(  # type: ignore[attr-defined]
        submission_id, writer_id, review.reviewer_id, note, bank.now()
    )
    return await appeal_case(bank, appeal.id)


async def appeal_case(bank: TaskBank, appeal_id: int) -> AppealCase:
    """An appeal with its task, answer and the rejection's reason."""
    appeal = await bank.store.get_appeal(appeal_id)  # type: ignore[attr-defined]
    submission = await bank.submission(appeal.submission_id)
    review = await bank.store.get_review(appeal.submission_id)
    return AppealCase(
        appeal=appeal,
        submission=submission,
        task=await bank.task(submission.task_id),
        batch=await bank.batch(submission.batch_id),
        rejection_reason=(review.reason if review else None) or "",
    )


async def decide_appeal(
    bank: TaskBank, appeal_id: int, coordinator_id: str, upheld: bool, reason: str | None
) -> AppealCase:
    """Uphold (approve and pay) or deny (with a reason) an open appeal, once."""
    appeal = await bank.store.get_appeal(appeal_id)  # type: ignore[attr-defined]
    if coordinator_id == appeal.reviewer_id:
        raise NotAllowed("the reviewer who rejected cannot hear the appeal")
    if coordinator_id == appeal.writer_id:
        raise NotAllowed("a writer cannot decide their own appeal")
    if upheld:
        reason = (reason or "").strip() or None
    else:
        reason = _text(reason, "reason", "a denial needs a reason the writer can learn from")
    await bank.store.decide_appeal(appeal_id, coordinator_id, upheld, reason, bank.now())  # type: ignore[attr-defined]
    return await appeal_case(bank, appeal_id)


async def appeal_report(bank: TaskBank) -> list[ReviewerAppeals]:
    """Per reviewer, appeals of their rejections by outcome (reviewers with appeals only)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for reviewer, outcome, count in await bank.store.appeal_counts():  # type: ignore[attr-defined]
        counts[reviewer][outcome] = count
    return [
        ReviewerAppeals(reviewer, **by_outcome) for reviewer, by_outcome in sorted(counts.items())
    ]
