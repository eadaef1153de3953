"""Sampling and verdicts: the ReviewStore role, written once for both dialects.

The database pays: a trigger turns an approval into the ledger's earning, so a verdict here is
one insert, and the first verdict on a submission stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from taskbank.clock import to_micros
from taskbank.errors import NotAllowed, NotFound
from taskbank.models import Review, Submission, Verdict
from taskbank.store import rows
from taskbank.store.runner import Operation, Runner, execute_many, fetch_one


class ReviewStore(Protocol):
    """Which answers go to reviewers, and what they decided."""

    async def unsampled_submissions(self, batch_id: int | None) -> list[Submission]:
        """Pending submissions on non-gold tasks that no sample has picked yet, oldest first."""
        ...

    async def mark_sampled(self, submission_ids: Sequence[int], now: datetime) -> None:
        """Record that these submissions were sent for review."""
        ...

    async def next_sampled_for(self, reviewer_id: str) -> Submission | None:
        """The oldest sampled, unreviewed submission this reviewer did not write."""
        ...

    async def pending_gold_submissions(self) -> list[Submission]:
        """Pending submissions on gold tasks: these are checked automatically, not by people."""
        ...

    async def insert_review(
        self,
        submission_id: int,
        reviewer_id: str,
        verdict: Verdict,
        reason: str | None,
        now: datetime,
        *,
        automatic: bool = False,
    ) -> tuple[Review, bool]:
        """Record a verdict unless one exists (the first stands: returned with False); an
        approval pays through the ledger. Nobody judges their own work."""
        ...

    async def get_review(self, submission_id: int) -> Review | None:
        """The verdict on a submission, if any."""
        ...

    async def auto_approve(self, submitted_before: datetime, now: datetime) -> int:
        """Approve (and so pay) every pending submission older than the cut-off; how many."""
        ...


class Reviews:
    """ReviewStore over `runner`."""

    runner: Runner

    async def unsampled_submissions(self, batch_id: int | None) -> list[Submission]:
        """Pending submissions on non-gold tasks that no sample has picked yet, oldest first."""
        found = await self.runner.fetch(
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.status = 'pending' AND s.sampled_at IS NULL AND t.gold_json IS NULL"
            " AND (CAST($1 AS BIGINT) IS NULL OR s.batch_id = $1) ORDER BY s.submitted_at, s.id",
            batch_id,
        )
        return [rows.submission(row) for row in found]

    async def mark_sampled(self, submission_ids: Sequence[int], now: datetime) -> None:
        """Record that these submissions were sent for review."""
        moment = to_micros(now)
        await self.runner.write(
            execute_many(
                "UPDATE submissions SET sampled_at = $1 WHERE id = $2 AND sampled_at IS NULL",
                [(moment, submission_id) for submission_id in submission_ids],
            )
        )

    async def next_sampled_for(self, reviewer_id: str) -> Submission | None:
        """The oldest sampled, unreviewed submission this reviewer did not write."""
        row = await self.runner.fetch_one(
            "SELECT * FROM submissions WHERE status = 'pending' AND sampled_at IS NOT NULL"
            " AND writer_id != $1 AND NOT EXISTS (SELECT 1 FROM message_links"
            " WHERE kind = 'review-pass' AND ref = 'pass/' || $1 || '/' || submissions.id)"
            " ORDER BY sampled_at, id LIMIT 1",
            reviewer_id,
        )
        return None if row is None else rows.submission(row)

    async def pending_gold_submissions(self) -> list[Submission]:
        """Pending submissions on gold tasks: these are checked automatically, not by people."""
        found = await self.runner.fetch(
            "SELECT * FROM submissions WHERE status = 'pending' AND gold_correct IS NOT NULL ORDER BY id"
        )
        return [rows.submission(row) for row in found]

    async def insert_review(
        self,
        submission_id: int,
        reviewer_id: str,
        verdict: Verdict,
        reason: str | None,
        now: datetime,
        *,
        automatic: bool = False,
    ) -> tuple[Review, bool]:
        """Record a verdict unless one exists (the first stands); approval pays via the ledger."""

        def operation() -> Operation[tuple[rows.Row, bool]]:
            inserted = yield fetch_one(
                "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
                " SELECT id, $1, $2, $3, $4, $5 FROM submissions WHERE id = $6 AND writer_id != $1"
                " ON CONFLICT (submission_id) DO NOTHING RETURNING *",
                reviewer_id,
                verdict.value,
                reason,
                to_micros(now),
                int(automatic),
                submission_id,
            )
            if inserted is not None:
                return inserted, True
            earlier = yield fetch_one(
                "SELECT * FROM reviews WHERE submission_id = $1", submission_id
            )
            if earlier is not None:
                return earlier, False
            author = yield fetch_one(
                "SELECT writer_id FROM submissions WHERE id = $1", submission_id
            )
            if author is None:
                raise NotFound(f"no submission {submission_id}")
            raise NotAllowed("a reviewer cannot judge their own work")

        row, recorded = await self.runner.write(operation())
        return rows.review(row), recorded

    async def get_review(self, submission_id: int) -> Review | None:
        """The verdict on a submission, if any."""
        row = await self.runner.fetch_one(
            "SELECT * FROM reviews WHERE submission_id = $1", submission_id
        )
        return None if row is None else rows.review(row)

    async def auto_approve(self, submitted_before: datetime, now: datetime) -> int:
        """Approve (and so pay) every pending submission older than the cut-off."""
        return await self.runner.execute(
            "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
            " SELECT id, 'auto', 'approved', NULL, $1, 1 FROM submissions"
            " WHERE status = 'pending' AND submitted_at < $2 ORDER BY id ON CONFLICT DO NOTHING",
            to_micros(now),
            to_micros(submitted_before),
        )
