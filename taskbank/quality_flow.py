"""The quality flow inside the bank: which batches a writer may claim from and in what order
(pauses, qualification, gold mixing), pausing after a gold answer, and settling gold answers
as `check` or `feedback`. TaskBank holds one and calls it from its claim, submit and check_gold."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from taskbank.adjudication import disputed_questions
from taskbank.batchsettings import QualitySettings
from taskbank.goldmix import claim_order
from taskbank.models import Batch, Submission, Task, Verdict
from taskbank.qualification import (
    GoldRecord,
    Pause,
    QualityPolicy,
    pause_decision,
    qualification_state,
    resolve_policy,
)
from taskbank.questions import GoldMiss, gold_misses
from taskbank.shares import threshold_percent
from taskbank.store import BatchCandidate, Store

POLICY_CACHE_SIZE = 1000


def answer_words(value: object) -> str:
    """A gold or given answer in a line of text."""
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "nothing"
    return str(value)


@dataclass(frozen=True)
class ClaimPlan:
    """The batches a claim may try for one writer, the kinds of task to try on each, and what
    to tell them when quality controls closed every batch."""

    candidates: list[BatchCandidate]
    orders: list[str]
    refusal: str | None = None


@dataclass(frozen=True)
class GoldVerdict:
    """How an answer to a gold task is settled: approved (paid) unless a `check` question was
    missed; the misses explain it either way."""

    verdict: Verdict
    reason: str | None
    misses: list[GoldMiss]


def settle_gold_answer(
    policy: QualityPolicy, batch: Batch, task: Task, submission: Submission
) -> GoldVerdict:
    """Approve a gold answer that agrees, or that missed only `feedback` questions (paid, and
    counted against accuracy); reject one that missed a `check` question."""
    misses = gold_misses(batch.questions, submission.answers, task.gold or {})
    checked = [miss for miss in misses if policy.gold_modes.get(miss.question_id) == "check"]
    if not checked:
        explained = "; ".join(
            f"the expected answer to '{miss.prompt}' was {answer_words(miss.expected)}"
            f" (you answered {answer_words(miss.given)})"
            for miss in misses
        )
        return GoldVerdict(
            Verdict.APPROVED, f"approved and paid; {explained}" if misses else None, misses
        )
    wrong = "; ".join(f"'{miss.prompt}'" for miss in checked)
    return GoldVerdict(Verdict.REJECTED, f"did not match the expected answer to {wrong}", misses)


class QualityFlow:
    """Quality policies per batch (cached: they never change) and the decisions they drive."""

    def __init__(self, store: Store, rng: random.Random, defaults: QualitySettings) -> None:
        self._store = store
        self._rng = rng
        self._defaults = defaults
        self._policies: dict[int, QualityPolicy] = {}
        # (writer, batch) pairs known to have passed qualification: passing never lapses.
        self._qualified: set[tuple[str, int]] = set()

    def new_policy(
        self, settings: QualitySettings | None, gold_tasks: int, tasks: int
    ) -> QualityPolicy:
        """The policy a batch being imported gets."""
        return resolve_policy(settings, self._defaults, gold_tasks, tasks)

    async def policy(self, batch_id: int) -> QualityPolicy:
        """A batch's policy (batches imported before quality controls have none: file order)."""
        cached = self._policies.get(batch_id)
        if cached is None:
            stored = await self._store.batch_quality(batch_id)
            cached = QualityPolicy() if stored is None else QualityPolicy.from_json(stored)
            if len(self._policies) >= POLICY_CACHE_SIZE:
                self._policies.pop(next(iter(self._policies)))
            self._policies[batch_id] = cached
        return cached

    async def plan_claim(self, writer_id: str, usable: list[BatchCandidate]) -> ClaimPlan:
        """Leave out batches the writer is paused on or failed to qualify for; gold only on a
        batch they are still qualifying for; else gold first at the batch's gold rate."""
        kept: list[BatchCandidate] = []
        orders: list[str] = []
        refusals: list[str] = []
        for candidate in usable:
            if candidate.paused:
                refusals.append(await self.pause_notice(writer_id, candidate.batch_id))
                continue
            policy = await self.policy(candidate.batch_id)
            state = await self._qualification(writer_id, candidate.batch_id, policy)
            if state == "failed":
                refusals.append(
                    f"you did not pass the qualification for batch {candidate.batch_id}"
                    f" (at least {threshold_percent(policy.qualify_accuracy)} of the first"
                    f" {policy.qualify_tasks} quality-check tasks)"
                )
                continue
            kept.append(candidate)
            orders.append(claim_order(policy, self._rng, qualifying=state == "qualifying"))
        refusal = None if kept else "; ".join(refusals) or None
        return ClaimPlan(kept, orders, refusal)

    async def _qualification(self, writer_id: str, batch_id: int, policy: QualityPolicy) -> str:
        if policy.qualify_tasks == 0 or (writer_id, batch_id) in self._qualified:
            return "qualified"
        first = await self._store.gold_record(writer_id, batch_id, first=policy.qualify_tasks)
        state = qualification_state(policy, GoldRecord(first))
        if state == "qualified":
            self._qualified.add((writer_id, batch_id))
        return state

    async def after_gold_answer(self, submission: Submission, now: datetime) -> Pause | None:
        """Pause the writer when this gold answer takes their rolling accuracy below the batch's
        threshold; the window counts only answers since they were last reinstated."""
        policy = await self.policy(submission.batch_id)
        if policy.pause_window == 0:
            return None
        earlier = await self._store.pauses(
            batch_id=submission.batch_id, writer_id=submission.writer_id, open_only=False
        )
        if earlier and earlier[0].reinstated_at is None:
            return None
        since = earlier[0].last_submission_id if earlier else 0
        if policy.qualify_tasks and not since:
            # Qualification answers are judged by the qualification, not by the pause rule.
            first = await self._store.gold_record(
                submission.writer_id, submission.batch_id, first=policy.qualify_tasks
            )
            since = first[-1][0] if len(first) == policy.qualify_tasks else submission.id
        window = await self._store.gold_record(
            submission.writer_id, submission.batch_id, after_submission_id=since
        )
        decision = pause_decision(policy, GoldRecord(window))
        if decision is None:
            return None
        pause = Pause(
            batch_id=submission.batch_id,
            writer_id=submission.writer_id,
            paused_at=now,
            reason=decision.reason,
            gold_correct=decision.record.correct,
            gold_answered=decision.record.answered,
            last_submission_id=window[-1][0],
        )
        return pause if await self._store.pause_writer(pause) else None

    async def after_answer(self, batch: Batch, submission: Submission) -> bool:
        """Dynamic overlap: when every slot of an ordinary task is answered and the answers
        disagree, open one more slot (up to the batch's max_overlap). True when one opened."""
        policy = await self.policy(batch.id)
        if policy.max_overlap <= batch.overlap:
            return False
        answered = await self._store.task_answers(submission.task_id)
        if len(answered) < batch.overlap or len(answered) >= policy.max_overlap:
            return False
        if not disputed_questions(batch.questions, [s.answers for s in answered]):
            return False
        return await self._store.open_extra_slot(submission.task_id, policy.max_overlap)

    async def training_feedback(
        self, batch: Batch, task: Task, submission: Submission, guidelines: str
    ) -> str | None:
        """In a batch's training mode, what a qualifying writer sees after each qualification
        answer: the expected answer to each gold question and the project's guidelines."""
        policy = await self.policy(batch.id)
        if not policy.training or task.gold is None or submission.gold_correct is None:
            return None
        first = await self._store.gold_record(
            submission.writer_id, batch.id, first=policy.qualify_tasks
        )
        if submission.id not in {submission_id for submission_id, _ in first}:
            return None
        misses = {
            miss.question_id: miss
            for miss in gold_misses(batch.questions, submission.answers, task.gold)
        }
        lines = [f"Training answer {len(first)} of {policy.qualify_tasks}:"]
        for question in batch.questions:
            if question.id not in task.gold:
                continue
            expected = answer_words(task.gold[question.id])
            if question.id in misses:
                given = answer_words(misses[question.id].given)
                lines.append(f"✗ {question.prompt}: expected {expected} (you answered {given})")
            else:
                lines.append(f"✓ {question.prompt}: {expected}")
        if guidelines.strip():
            lines.append(f"Guidelines: {guidelines.strip()[:600]}")
        return "\n".join(lines)

    async def pause_notice(self, writer_id: str, batch_id: int) -> str:
        """What a paused writer is told, privately: why, with their record."""
        open_pauses = await self._store.pauses(batch_id=batch_id, writer_id=writer_id)
        if not open_pauses:
            return f"you are paused on batch {batch_id}"
        return pause_words(open_pauses[0])


def pause_words(pause: Pause) -> str:
    """Why a writer is paused, in the words they are told (when it happens and at /task)."""
    return (
        f"you are paused on batch {pause.batch_id}: {pause.reason}."
        " A coordinator can reinstate you once you have talked it over"
    )
