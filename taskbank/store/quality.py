"""Gold and agreement: the QualityStore role (batch quality policies, writers' gold records,
pauses, adjudicated answers). SQLite's and PostgreSQL's halves are in sqlite/quality_flow.py and
postgres/quality_flow.py; the claim's own gold mixing is in each dialect's claim statement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from taskbank.models import Submission
from taskbank.qualification import Pause


class QualityStore(Protocol):
    """What the quality flow keeps: gold policy, gold records, pauses, adjudication."""

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

    async def answers_by_task(self, batch_id: int) -> dict[int, list[Submission]]:
        """Every non-gold task of a batch answered by two or more writers, with its answers."""
        ...

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every answer to one task, oldest first."""
        ...

    async def open_extra_slot(self, task_id: int, max_overlap: int) -> bool:
        """Open one more slot on a fully taken task while fewer than `max_overlap` writers hold
        or answered it; True when one opened."""
        ...
