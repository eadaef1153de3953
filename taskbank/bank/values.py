"""Values the TaskBank service hands out and takes: its defaults and a review's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from taskbank.batchfile import DEFAULT_MAX_BYTES
from taskbank.batchsettings import QualitySettings
from taskbank.models import Review

PostState = Literal["new", "pending", "sent"]
TASK_CACHE_SIZE = 5000
DELIVERY_MEMORY = timedelta(days=1)  # platforms retry within minutes; a day is plenty


@dataclass(frozen=True)
class Defaults:
    """Settings a batch may leave out."""

    overlap: int = 1
    lease_minutes: int = 30
    # Live leases a writer may hold at once; a claim past it returns one they already hold.
    max_active_per_writer: int = 1
    max_import_bytes: int = DEFAULT_MAX_BYTES
    # Gold rate, qualification and pausing for batches whose file leaves them out.
    quality: QualitySettings = field(default_factory=QualitySettings)


@dataclass(frozen=True)
class ReviewOutcome:
    """The verdict that stands; `recorded` is False when an earlier verdict already stood."""

    review: Review
    recorded: bool
