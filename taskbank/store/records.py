"""What the store hands the service besides domain models: claim candidates, new answers, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from taskbank.models import Batch


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
