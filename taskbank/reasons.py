"""What a rejection tells its writer: the reviewer's reason, the project guideline it cites, and
until when the writer may appeal.

A reason cites a guideline by number ("guideline 3", "rule 3", "§3", "#3"); the project's
guidelines are numbered by their lines ("3. Keep the speaker's voice", "3) …"), and the cited
line is quoted back so the writer need not look it up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from taskbank.errors import NotAllowed
from taskbank.models import SubmissionStatus

if TYPE_CHECKING:
    from taskbank.service import TaskBank

_CITATION = re.compile(r"(?:guideline|rule|§|#)\s*#?\s*(\d{1,3})\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.):]\s*(\S.*)$")
QUOTED_CHARS = 300


def cited_guideline(guidelines: str, reason: str) -> str | None:
    """The numbered guideline line a reason cites, if the reason cites one the project has."""
    match = _CITATION.search(reason or "")
    if match is None:
        return None
    wanted = int(match[1])
    for line in (guidelines or "").splitlines():
        numbered = _NUMBERED.match(line)
        if numbered and int(numbered[1]) == wanted:
            text = f"{wanted}. {numbered[2].strip()}"
            return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + "…"
    return None


@dataclass(frozen=True)
class RejectionNotice:
    """Everything the writer of a rejected answer is told, privately and at once."""

    submission_id: int
    writer_id: str
    reviewer_id: str
    task_external_id: str
    batch_title: str
    reason: str
    guideline: str | None
    rejected_at: datetime
    appeal_by: datetime | None  # None: the project takes no appeals


async def rejection_notice(
    bank: TaskBank, submission_id: int, appeal_window: timedelta | None
) -> RejectionNotice:
    """The notice for a rejected submission (refused if it is not rejected)."""
    submission = await bank.submission(submission_id)
    review = await bank.store.get_review(submission_id)
    if submission.status != SubmissionStatus.REJECTED or review is None:
        raise NotAllowed(f"submission {submission_id} is not rejected")
    batch = await bank.batch(submission.batch_id)
    project = await bank.project(batch.project_id)
    task = await bank.task(submission.task_id)
    reason = review.reason or ""
    return RejectionNotice(
        submission_id=submission_id,
        writer_id=submission.writer_id,
        reviewer_id=review.reviewer_id,
        task_external_id=task.external_id,
        batch_title=batch.title,
        reason=reason,
        guideline=cited_guideline(project.guidelines, reason),
        rejected_at=review.reviewed_at,
        appeal_by=None if appeal_window is None else review.reviewed_at + appeal_window,
    )
