"""Reviews: sampling for review, gold checks, verdicts and automatic approval."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from taskbank.answer_text import written_note
from taskbank.bank.values import ReviewOutcome
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.models import (
    Review,
    Submission,
    Verdict,
)
from taskbank.quality_flow import settle_gold_answer

# A rejection's reason, as long as the reject form lets a reviewer write (bot/review_render.py).
MAX_REASON_CHARS = 1000

if TYPE_CHECKING:
    pass


class Reviews:
    """The TaskBank's reviews methods (state and store come from TaskBank)."""

    # -- reviews ---------------------------------------------------------------------------

    async def sample_for_review(
        self, limit: int, *, batch_id: int | None = None, rate: float | None = None
    ) -> list[Submission]:
        """Choose fresh submissions for human review (see `choose_for_review`) and mark them sampled."""
        chosen = await self.choose_for_review(limit, batch_id=batch_id, rate=rate)
        await self.mark_sampled(chosen)
        return chosen

    async def choose_for_review(
        self,
        limit: int,
        *,
        batch_id: int | None = None,
        rate: float | None = None,
        at_least_one_per_writer: bool = False,
    ) -> list[Submission]:
        """Pick fresh submissions for review, spread across writers, without marking them.

        Each batch contributes its review rate (or `rate`) of its unsampled submissions, rounded
        up; with `at_least_one_per_writer`, every writer with fresh work gets one in; writers take
        turns so no one writer fills the sample; `limit` (what reviewers can take) caps the total.
        Gold tasks are never chosen: they are checked automatically.
        """
        pool = await self.store.unsampled_submissions(batch_id)
        by_batch: dict[int, list[Submission]] = defaultdict(list)
        for submission in pool:
            by_batch[submission.batch_id].append(submission)
        chosen: list[Submission] = []
        for bid, submissions in sorted(by_batch.items()):
            share = rate if rate is not None else (await self.batch(bid)).review_rate
            wanted = -(-len(submissions) * round(share * 1000) // 1000)
            chosen.extend(self._spread_across_writers(submissions, wanted))
        if at_least_one_per_writer:
            covered = {s.writer_id for s in chosen}
            missing = [s for s in pool if s.writer_id not in covered]
            chosen.extend(self._spread_across_writers(missing, len({s.writer_id for s in missing})))
        return self._spread_across_writers(chosen, limit)

    async def mark_sampled(self, submissions: list[Submission]) -> None:
        """Record that these submissions went to review."""
        if submissions:
            await self.store.mark_sampled([s.id for s in submissions], self.clock.now())

    async def check_gold(self) -> int:
        """Settle pending answers to gold tasks automatically: an answer that agrees, or missed
        only `feedback` questions, is approved (paid); one that missed a `check` question is
        rejected with the question named."""
        settled = 0
        for submission in await self.store.pending_gold_submissions():
            if submission.gold_correct:
                verdict, reason = Verdict.APPROVED, None
            else:
                batch = await self.batch(submission.batch_id)
                task = await self.task(submission.task_id)
                policy = await self._quality.policy(submission.batch_id)
                settled_as = settle_gold_answer(policy, batch, task, submission)
                verdict, reason = settled_as.verdict, settled_as.reason
            _, recorded = await self.store.insert_review(
                submission.id, "gold-check", verdict, reason, self.clock.now(), automatic=True
            )
            settled += recorded
        return settled

    def _spread_across_writers(self, submissions: list[Submission], count: int) -> list[Submission]:
        by_writer: dict[str, list[Submission]] = defaultdict(list)
        for submission in submissions:
            by_writer[submission.writer_id].append(submission)
        queues = []
        for writer in sorted(by_writer):
            mine = by_writer[writer][:]
            self.rng.shuffle(mine)
            queues.append(mine)
        self.rng.shuffle(queues)
        picked: list[Submission] = []
        while len(picked) < count and any(queues):
            for queue in queues:
                if queue and len(picked) < count:
                    picked.append(queue.pop())
        return picked

    async def next_review(self, reviewer_id: str) -> Submission | None:
        """The oldest sampled submission waiting for a verdict that this reviewer did not write."""
        return await self.store.next_sampled_for(reviewer_id)

    async def record_review(
        self, submission_id: int, reviewer_id: str, verdict: Verdict, reason: str | None = None
    ) -> ReviewOutcome:
        """Approve (and pay) or reject a submission; the first verdict stands."""
        submission = await self.store.get_submission(submission_id)
        if submission.writer_id == reviewer_id:
            raise NotAllowed("a reviewer cannot judge their own work")
        reason = written_note(reason, "reason", MAX_REASON_CHARS)
        if verdict == Verdict.REJECTED and reason is None:
            raise ValidationFailed(
                [Problem("reason", "a rejection needs a reason the writer can learn from")]
            )
        review, recorded = await self.store.insert_review(
            submission_id, reviewer_id, verdict, reason, self.clock.now()
        )
        return ReviewOutcome(review, recorded)

    async def pass_review(self, submission_id: int, reviewer_id: str) -> None:
        """A reviewer passes on a submission: `next_review` no longer offers it to them."""
        await self.store.get_submission(submission_id)
        await self.link_message(f"pass/{reviewer_id}/{submission_id}", "review-pass", submission_id)

    async def review_of(self, submission_id: int) -> Review | None:
        """The verdict a submission has, if any."""
        return await self.store.get_review(submission_id)

    async def linked_messages(self, kind: str, subject_id: int) -> list[str]:
        """The chat messages that show a record (e.g. every card of one submission)."""
        return await self.store.linked_refs(kind, subject_id)

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every writer's answer to one task (a reviewer compares them)."""
        return await self.store.task_submissions(task_id)

    async def auto_approve(self, older_than: timedelta) -> int:
        """Approve every submission nobody reviewed within the window; returns how many."""
        now = self.clock.now()
        return await self.store.auto_approve(now - older_than, now)
