"""The storage port: what the TaskBank service needs from a database.

SQLite (embedded) implements it now; PostgreSQL implements the same protocol for scale-out.
Every write method is atomic and returns only after its transaction has committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from taskbank.batchfile import BatchSettings, TaskSpec
from taskbank.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    LedgerEntry,
    LedgerKind,
    Project,
    Review,
    Submission,
    Tally,
    Task,
    Verdict,
)
from taskbank.qualification import Pause


@dataclass(frozen=True)
class BatchCandidate:
    """An open batch as a claim sees it, with what stands between this writer and its tasks."""

    batch_id: int
    project_id: int
    project_name: str
    template: str
    pay_cents: int
    deadline: datetime | None
    needs_terms: bool
    budget_cap_cents: int | None
    paused: bool = False  # the writer is paused on this batch (their gold accuracy fell)


@dataclass(frozen=True)
class NewSubmission:
    """A validated answer ready to store."""

    assignment_id: int
    writer_id: str
    client_key: str
    answers: dict[str, Any]
    gold_correct: bool | None


@dataclass(frozen=True)
class BatchProgress:
    """Counts that show how far a batch has come."""

    batch: Batch
    tasks: int
    slots: int
    assignments: dict[str, int] = field(default_factory=dict)
    submissions: dict[str, int] = field(default_factory=dict)
    first_submitted_at: datetime | None = None
    last_submitted_at: datetime | None = None


class Store(Protocol):
    """Persistence for projects, batches, tasks, assignments, submissions, reviews and the ledger."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def hold_scheduler_lock(self) -> bool: ...

    async def get_project(self, project_id: int) -> Project: ...
    async def accept_terms(self, project_id: int, writer_id: str, now: datetime) -> None: ...

    async def create_batch(
        self,
        settings: BatchSettings,
        tasks: Sequence[TaskSpec],
        *,
        overlap: int,
        lease_seconds: int,
        now: datetime,
        quality: tuple[float | None, str] | None = None,
    ) -> Batch: ...
    async def get_batch(self, batch_id: int) -> Batch: ...
    async def list_batches(self) -> list[Batch]: ...
    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch: ...
    async def batch_progress(self, batch_id: int) -> BatchProgress: ...

    async def claim_candidates(self, writer_id: str) -> list[BatchCandidate]: ...
    async def claim(
        self,
        writer_id: str,
        batch_ids: Sequence[int],
        caps: dict[int, int],
        now: datetime,
        max_active: int = 1,
        orders: Sequence[str] | None = None,
    ) -> tuple[Assignment, Task] | None: ...
    async def get_task(self, task_id: int) -> Task: ...
    async def get_assignment(self, assignment_id: int) -> Assignment: ...
    async def active_assignments(self, writer_id: str) -> list[Assignment]: ...
    async def insert_submission(
        self, new: NewSubmission, now: datetime
    ) -> tuple[Submission, bool]: ...
    async def end_assignment(
        self, assignment_id: int, writer_id: str, state: AssignmentState, now: datetime
    ) -> Assignment: ...
    async def expire_leases(self, now: datetime) -> list[Assignment]: ...
    async def save_draft(
        self, assignment_id: int, answers: dict[str, Any], now: datetime
    ) -> None: ...
    async def get_draft(self, assignment_id: int) -> dict[str, Any]: ...
    async def link_message(self, ref: str, kind: str, subject_id: int, now: datetime) -> None: ...
    async def first_delivery(self, key: str, now: datetime, keep_since: datetime) -> bool: ...
    async def linked_subject(self, ref: str, kind: str) -> int | None: ...
    async def linked_refs(self, kind: str, subject_id: int) -> list[str]: ...
    async def task_submissions(self, task_id: int) -> list[Submission]: ...

    async def record_post(self, job: str, period_key: str, recipient: str, now: datetime) -> str:
        """Record a post as pending unless it exists: 'new', or its state ('pending', 'sent')."""
        ...

    async def mark_post_sent(
        self, job: str, period_key: str, recipient: str, now: datetime
    ) -> None: ...
    async def posts(self, job: str, state: str | None = None) -> list[tuple[str, str, str]]: ...
    async def activity_by_quarter_hour(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int, int]]: ...
    async def project_spend(self) -> list[tuple[Project, int]]: ...
    async def writer_projects(self, start: datetime, end: datetime) -> dict[str, set[int]]: ...
    async def pending_gold_submissions(self) -> list[Submission]: ...

    async def get_submission(self, submission_id: int) -> Submission: ...
    async def submission_for_assignment(self, assignment_id: int) -> Submission | None: ...
    async def unsampled_submissions(self, batch_id: int | None) -> list[Submission]: ...
    async def mark_sampled(self, submission_ids: Sequence[int], now: datetime) -> None: ...
    async def next_sampled_for(self, reviewer_id: str) -> Submission | None: ...
    async def insert_review(
        self,
        submission_id: int,
        reviewer_id: str,
        verdict: Verdict,
        reason: str | None,
        now: datetime,
        *,
        automatic: bool = False,
    ) -> tuple[Review, bool]: ...
    async def get_review(self, submission_id: int) -> Review | None: ...
    async def auto_approve(self, submitted_before: datetime, now: datetime) -> int: ...

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None,
        now: datetime,
    ) -> LedgerEntry: ...
    async def ledger_entries(self, writer_id: str | None = None) -> list[LedgerEntry]: ...
    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally: ...
    def export_rows(self, batch_id: int) -> AsyncIterator[dict[str, Any]]: ...

    # -- quality flow: gold policy, gold records, pauses, adjudication ----------------------

    async def batch_quality(self, batch_id: int) -> str | None:
        """A batch's stored quality policy (JSON), or None for batches imported before it."""
        ...

    async def gold_record(
        self,
        writer_id: str,
        batch_id: int,
        *,
        after_submission_id: int = 0,
        first: int | None = None,
    ) -> list[tuple[int, bool]]:
        """A writer's gold answers on a batch, oldest first: (submission id, right or not); only
        those after a submission id, and with `first` only the first few."""
        ...

    async def pause_writer(self, pause: Pause) -> bool:
        """Record a pause unless one is open for this writer and batch; True when recorded."""
        ...

    async def reinstate_writer(
        self, batch_id: int, writer_id: str, by: str, now: datetime
    ) -> Pause | None:
        """Close the writer's open pause on a batch; the pause, or None when there was none."""
        ...

    async def pauses(
        self, *, batch_id: int | None = None, writer_id: str | None = None, open_only: bool = True
    ) -> list[Pause]:
        """Pauses, newest first, filtered by batch and writer."""
        ...

    async def gold_submissions_for(self, batch_id: int) -> list[Submission]:
        """Every answer to a gold task of a batch, in id order."""
        ...

    async def record_adjudication(
        self, task_id: int, adjudicator_id: str, answers: dict[str, Any], now: datetime
    ) -> tuple[dict[str, Any], bool]:
        """Record the final answer for a task unless one stands; (the answer that stands, recorded)."""
        ...

    async def adjudications(self, batch_id: int) -> dict[int, dict[str, Any]]:
        """The final answers reviewers settled on in a batch, by task id."""
        ...

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every answer to one task, oldest first."""
        ...

    async def open_extra_slot(self, task_id: int, max_overlap: int) -> bool:
        """Open one more slot on a fully taken task while fewer than `max_overlap` writers hold
        or answered it; True when one opened."""
        ...

    async def answers_by_task(self, batch_id: int) -> dict[int, list[Submission]]:
        """Every non-gold task of a batch answered by two or more writers, with its answers."""
        ...
