"""Quality: agreement and consensus figures, pauses, training feedback and adjudication."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from taskbank import (
    quality,
)
from taskbank.adjudication import Dispute, find_disputes, settle
from taskbank.errors import NotAllowed
from taskbank.export import ExportFormat
from taskbank.models import (
    Period,
    Submission,
)
from taskbank.qualification import Pause
from taskbank.quality.answers import option_fields
from taskbank.quality.export import write_consensus
from taskbank.quality.report import consensus_of

if TYPE_CHECKING:
    pass


class Quality:
    """The TaskBank's quality methods (state and store come from TaskBank)."""

    # -- quality figures (computed in taskbank/quality/) ------------------------------------

    async def batch_quality(
        self,
        batch_id: int,
        *,
        levels: Mapping[str, str] | None = None,
        resamples: int = quality.RESAMPLES,
        min_confidence: float | None = None,
        method: str | None = None,
    ) -> quality.BatchQuality:
        """Agreement per question (with bootstrap intervals), per-writer figures and consensus
        answers of a batch; `levels` picks a question's distance (e.g. {"pacing": "ordinal"});
        the consensus floor and method default to the batch's policy."""
        batch = await self.batch(batch_id)
        min_confidence, method = await self._consensus_rule(batch_id, min_confidence, method)
        stored = await self.store.quality_answers(batch_id, option_fields(batch.questions))
        reviews = await self.store.review_counts(batch_id)
        settled = frozenset(await self.store.adjudications(batch_id))
        seeded = random.Random(self.rng.getrandbits(64))
        return await asyncio.to_thread(
            quality.batch_quality, batch, stored, reviews, rng=seeded, levels=levels,
            resamples=resamples, min_confidence=min_confidence, method=method, settled=settled,
        )  # fmt: skip

    async def batch_consensus(
        self,
        batch_id: int,
        *,
        min_confidence: float | None = None,
        method: str | None = None,
    ) -> quality.Consensus:
        """Every task's aggregated answer with its confidence (`method` "vote": no model); the
        floor and method default to the batch's policy."""
        batch = await self.batch(batch_id)
        min_confidence, method = await self._consensus_rule(batch_id, min_confidence, method)
        stored = await self.store.quality_answers(batch_id, option_fields(batch.questions))
        settled = frozenset(await self.store.adjudications(batch_id))
        return await asyncio.to_thread(
            consensus_of, batch, stored, min_confidence=min_confidence, method=method,
            settled=settled,
        )  # fmt: skip

    async def tasks_without_consensus(
        self,
        batch_id: int,
        *,
        min_confidence: float | None = None,
        method: str | None = None,
    ) -> list[int]:
        """Ids of a batch's tasks whose answers reach no clear consensus (for adjudication)."""
        consensus = await self.batch_consensus(
            batch_id, min_confidence=min_confidence, method=method
        )
        return consensus.tasks_without_consensus()

    async def export_consensus(
        self,
        batch_id: int,
        out: TextIO,
        file_format: ExportFormat = "jsonl",
        *,
        adjudicated: Mapping[int, Mapping[str, Any]] | None = None,
        method: str | None = None,
    ) -> int:
        """Write one row per task with its consensus answer, confidence and method; reviewers'
        final answers (or `adjudicated`: task id -> answers) stand as "adjudicated". Returns how
        many rows."""
        if adjudicated is None:
            adjudicated = await self.store.adjudications(batch_id)
        batch = await self.batch(batch_id)
        project = await self.project(batch.project_id)
        consensus = await self.batch_consensus(batch_id, method=method)
        return await asyncio.to_thread(
            write_consensus, consensus, out, file_format, batch=batch.name, project=project.name,
            question_ids=[q.id for q in batch.questions], adjudicated=adjudicated,
        )  # fmt: skip

    async def _consensus_rule(
        self, batch_id: int, min_confidence: float | None, method: str | None
    ) -> tuple[float, str]:
        """The floor and method of "no clear consensus": as asked, else the batch's policy."""
        policy = await self._quality.policy(batch_id)
        return (
            policy.min_confidence if min_confidence is None else min_confidence,
            policy.consensus if method is None else method,
        )

    async def batches_answered_in(self, period: Period) -> list[int]:
        """The batches that received answers in a period (for the quality digest)."""
        return await self.store.batches_answered_between(period.start, period.end)

    # -- quality flow: pauses and reinstatement ---------------------------------------------

    async def paused_writers(self, batch_id: int | None = None) -> list[Pause]:
        """Writers paused now (on one batch, or on any), newest first."""
        return await self.store.pauses(batch_id=batch_id)

    async def reinstate(self, batch_id: int, writer_id: str, by: str) -> Pause:
        """Let a paused writer claim from a batch again (their next window starts afresh)."""
        pause = await self.store.reinstate_writer(batch_id, writer_id, by, self.now())
        if pause is None:
            raise NotAllowed(f"{writer_id} is not paused on batch {batch_id}")
        return pause

    async def training_feedback(self, submission: Submission) -> str | None:
        """What a writer in a batch's training mode sees after a qualification answer."""
        batch = await self.batch(submission.batch_id)
        task = await self.task(submission.task_id)
        project = await self.project(batch.project_id)
        return await self._quality.training_feedback(batch, task, submission, project.guidelines)

    # -- quality flow: adjudication ----------------------------------------------------------

    async def adjudication_queue(self, batch_id: int | None = None) -> list[Dispute]:
        """Tasks without a clear consensus that no reviewer has settled (the very tasks the
        figures count as needing adjudication), oldest batch first."""
        batches = [await self.batch(batch_id)] if batch_id else await self.list_batches()
        found: list[Dispute] = []
        for batch in sorted(batches, key=lambda b: b.id):
            if batch.overlap < 2 and not (await self._quality.policy(batch.id)).max_overlap:
                continue  # one answer per task: nothing to compare
            consensus = await self.batch_consensus(batch.id)
            found += await find_disputes(self.store, batch, self.task, consensus)
        return found

    async def adjudicate(
        self, task_id: int, adjudicator_id: str, submission_id: int
    ) -> tuple[dict[str, Any], bool]:
        """Make one writer's answer the task's final answer; (the answer that stands, recorded)."""
        chosen = await self.store.get_submission(submission_id)
        return await settle(self.store, task_id, adjudicator_id, chosen, self.now())
