"""An appeal as the core hands it out (open or decided): a value of the core's public surface,
so callers above the core read appeals without reaching into its store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AppealRow:
    """An appeal against a rejection, open or decided."""

    id: int
    submission_id: int
    writer_id: str
    reviewer_id: str
    note: str
    filed_at: datetime
    outcome: str
    decided_by: str | None
    decision_reason: str | None
    decided_at: datetime | None
