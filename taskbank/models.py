"""The domain's records, as pydantic models: what is stored, returned and exported.

Money is integer cents. Every datetime is timezone-aware UTC; the store keeps microseconds
since the epoch and converts at its edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from taskbank.questions import Question


class BatchState(StrEnum):
    """Whether a batch hands out tasks."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class AssignmentState(StrEnum):
    """Where one writer's hold on one task stands."""

    ACTIVE = "active"
    SUBMITTED = "submitted"
    RELEASED = "released"
    SKIPPED = "skipped"
    EXPIRED = "expired"


class SubmissionStatus(StrEnum):
    """A submission's review outcome so far."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Verdict(StrEnum):
    """A reviewer's decision."""

    APPROVED = "approved"
    REJECTED = "rejected"


class LedgerKind(StrEnum):
    """Why money moved."""

    EARNED = "earned"
    BONUS = "bonus"
    ADJUSTMENT = "adjustment"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Project(_Record):
    """A client contract: guidelines, terms a writer accepts once, an optional budget cap."""

    id: int
    name: str
    guidelines: str = ""
    terms: str | None = None
    budget_cap_cents: int | None = None
    target_hourly_cents: int | None = None
    created_at: AwareDatetime


class Batch(_Record):
    """Tasks of one template with their pay, overlap, lease, sampling rate and state."""

    id: int
    project_id: int
    name: str
    template: str
    template_version: int
    title: str
    instructions: str
    questions: list[Question]
    pay_cents: int
    overlap: int
    lease_seconds: int
    review_rate: float
    priority: int
    deadline: AwareDatetime | None
    state: BatchState
    created_at: AwareDatetime
    estimate_seconds: int | None = None  # the coordinator's estimate of a task's time


class Task(_Record):
    """One unit of work: its payload, an optional gold answer, and its external id."""

    id: int
    batch_id: int
    external_id: str
    payload: dict[str, Any]
    gold: dict[str, Any] | None = None


class Assignment(_Record):
    """One writer holding one task under a lease."""

    id: int
    task_id: int
    batch_id: int
    writer_id: str
    state: AssignmentState
    claimed_at: AwareDatetime
    lease_expires_at: AwareDatetime
    ended_at: AwareDatetime | None = None


class Submission(_Record):
    """A validated answer with the time it took."""

    id: int
    assignment_id: int
    task_id: int
    batch_id: int
    writer_id: str
    client_key: str
    answers: dict[str, Any]
    submitted_at: AwareDatetime
    seconds_on_task: int
    status: SubmissionStatus
    gold_correct: bool | None = None
    sampled_at: AwareDatetime | None = None


class Review(_Record):
    """A verdict on a submission, by a reviewer who is not its author (or automatic)."""

    id: int
    submission_id: int
    reviewer_id: str
    verdict: Verdict
    reason: str | None
    reviewed_at: AwareDatetime
    automatic: bool = False


class LedgerEntry(_Record):
    """An append-only movement of money, in cents."""

    id: int
    writer_id: str
    kind: LedgerKind
    amount_cents: int
    submission_id: int | None = None
    batch_id: int | None = None
    note: str = ""
    created_at: AwareDatetime


@dataclass(frozen=True)
class ClaimedTask:
    """What a writer gets from a claim: the lease, the task and its batch."""

    assignment: Assignment
    task: Task
    batch: Batch
    project: Project


@dataclass(frozen=True)
class SubmitResult:
    """The stored submission; `replayed` when this was a repeat of an earlier submit; `paused`
    when this answer paused its writer (a `taskbank.qualification.Pause`), to tell them now."""

    submission: Submission
    replayed: bool = False
    paused: Any = None


@dataclass(frozen=True)
class Period:
    """A half-open span of time [start, end), both aware UTC."""

    start: datetime
    end: datetime
    label: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")


class TallyLine(_Record):
    """One writer's figures for a period, all derived from submissions and the ledger."""

    writer_id: str
    submitted: int = 0
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    earned_cents: int = 0
    bonus_cents: int = 0
    adjustment_cents: int = 0
    pending_cents: int = 0
    seconds_on_task: int = 0

    @property
    def total_cents(self) -> int:
        """Everything the ledger paid this writer in the period."""
        return self.earned_cents + self.bonus_cents + self.adjustment_cents

    @property
    def effective_hourly_cents(self) -> int | None:
        """Paid cents per hour of recorded time on task (rejected work's time counts too)."""
        if self.seconds_on_task <= 0:
            return None
        return self.total_cents * 3600 // self.seconds_on_task


class Tally(_Record):
    """Per-writer lines for a period, and their totals."""

    period_start: AwareDatetime
    period_end: AwareDatetime
    lines: list[TallyLine] = Field(default_factory=list)

    @property
    def totals(self) -> TallyLine:
        """All writers summed."""
        fields = [name for name in TallyLine.model_fields if name != "writer_id"]
        return TallyLine(
            writer_id="(all)",
            **{name: sum(getattr(line, name) for line in self.lines) for name in fields},
        )
