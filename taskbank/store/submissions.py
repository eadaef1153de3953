"""Answers: the SubmissionStore role and the statements both dialects share for it.

The insert itself is per dialect (it is the hot path, and only PostgreSQL can meet a slot retaken
by another process); a repeat's look-up and the refusal that explains a rejected answer are
written once here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from taskbank.errors import NotAllowed, NotFound
from taskbank.models import Submission
from taskbank.store import rows
from taskbank.store.records import NewSubmission
from taskbank.store.refusals import refuse
from taskbank.store.runner import Operation, Runner, fetch_one


class SubmissionStore(Protocol):
    """Storing answers once, and finding them again."""

    async def insert_submission(self, new: NewSubmission, now: datetime) -> tuple[Submission, bool]:
        """Store an answer once; a repeat (same client key or assignment) returns the first with
        True. Refused (NotAllowed, LeaseLost, NotFound) when the lease no longer takes it."""
        ...

    async def get_submission(self, submission_id: int) -> Submission:
        """A submission by id (NotFound when there is none)."""
        ...

    async def submission_for_assignment(self, assignment_id: int) -> Submission | None:
        """The submission made on an assignment, if any."""
        ...

    async def task_submissions(self, task_id: int) -> list[Submission]:
        """Every answer to one task, first submitted first."""
        ...


def answered_before(new: NewSubmission, now: int) -> Operation[rows.Row]:
    """The steps after an insert that stored nothing: the first answer when this is a repeat of
    it, else the refusal that says why the answer cannot be taken (`now` in microseconds)."""
    earlier = yield fetch_one(
        "SELECT * FROM submissions WHERE client_key = $1 OR assignment_id = $2"
        " ORDER BY (assignment_id = $2) DESC LIMIT 1",
        new.client_key,
        new.assignment_id,
    )
    if earlier is not None:
        if earlier["writer_id"] != new.writer_id or earlier["assignment_id"] != new.assignment_id:
            raise NotAllowed("that client key was already used for another answer")
        return earlier
    yield from refuse(new.assignment_id, new.writer_id, now)


class Submissions:
    """SubmissionStore's shared look-ups over `runner`; a store adds `insert_submission`."""

    runner: Runner

    async def get_submission(self, submission_id: int) -> Submission:
        """A submission by id."""
        row = await self.runner.fetch_one("SELECT * FROM submissions WHERE id = $1", submission_id)
        if row is None:
            raise NotFound(f"no submission {submission_id}")
        return rows.submission(row)

    async def submission_for_assignment(self, assignment_id: int) -> Submission | None:
        """The submission made on an assignment, if any."""
        row = await self.runner.fetch_one(
            "SELECT * FROM submissions WHERE assignment_id = $1", assignment_id
        )
        return None if row is None else rows.submission(row)

    async def task_submissions(self, task_id: int) -> list[Submission]:
        """Every answer to one task, first submitted first."""
        found = await self.runner.fetch(
            "SELECT * FROM submissions WHERE task_id = $1 ORDER BY id", task_id
        )
        return [rows.submission(row) for row in found]
