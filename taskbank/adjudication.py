"""Adjudication: tasks without a clear consensus wait for a reviewer, who picks the answer that
stands as final.

Which tasks those are is decided in one place, `taskbank.quality.consensus` (the same rule the
figures count: tied, or less sure than the batch's min_confidence). The strict majority below is
only dynamic overlap's quick look at one task's first answers, to open one more slot: per
question, an answer held by more than half of the task's writers settles it. Free text and
rewrites are never compared (two good rewrites differ by nature).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskbank.errors import NotAllowed
from taskbank.models import Batch, Submission, Task
from taskbank.questions import QuestionBase

if TYPE_CHECKING:  # the figures (numpy) load only when asked for
    from taskbank.quality.consensus import Consensus
    from taskbank.store import Store

COMPARED_KINDS = frozenset({"label", "labels", "rating", "ranking"})


def _comparable(kind: str, value: Any) -> str:
    """A value as a vote: sets ignore order (labels), the rest compare as given."""
    if kind == "labels" and isinstance(value, list):
        value = sorted(value)
    return json.dumps(value, sort_keys=True)


def disputed_questions(
    questions: Sequence[QuestionBase], answers: Sequence[dict[str, Any]]
) -> list[str]:
    """The ids of compared questions where no answer is held by more than half the writers."""
    disputed = []
    for question in questions:
        kind = getattr(question, "kind", "")
        if kind not in COMPARED_KINDS:
            continue
        votes = Counter(
            _comparable(kind, answer[question.id])
            for answer in answers
            if answer.get(question.id) is not None
        )
        if len(votes) < 2:
            continue
        top = votes.most_common(1)[0][1]
        if top * 2 <= sum(votes.values()):
            disputed.append(question.id)
    return disputed


@dataclass(frozen=True)
class Dispute:
    """A task awaiting adjudication: its answers (oldest first) and the questions in dispute."""

    batch: Batch
    task: Task
    submissions: list[Submission]
    questions: list[str]


async def find_disputes(
    store: Store, batch: Batch, task: Callable[[int], Awaitable[Task]], consensus: Consensus
) -> list[Dispute]:
    """A batch's tasks awaiting adjudication, in task order: those its consensus flags (tasks a
    reviewer settled, and gold tasks, are never flagged), with their answers."""
    flagged = [i for i, flag in enumerate(consensus.needs_adjudication.tolist()) if flag]
    if not flagged:
        return []
    answered = await store.answers_by_task(batch.id)
    found = []
    for index in flagged:
        task_id = consensus.task_ids[index]
        found.append(
            Dispute(
                batch,
                await task(task_id),
                answered.get(task_id, []),
                consensus.unclear_questions(index),
            )
        )
    return found


async def settle(
    store: Store, task_id: int, adjudicator_id: str, chosen: Submission, now: datetime
) -> tuple[dict[str, Any], bool]:
    """Record the chosen writer's answer as the task's final one (the first decision stands);
    a reviewer who answered the task may not judge it."""
    if chosen.task_id != task_id:
        raise NotAllowed(f"submission {chosen.id} answers another task, not task {task_id}")
    answered = await store.answers_by_task(chosen.batch_id)
    if any(s.writer_id == adjudicator_id for s in answered.get(task_id, [])):
        raise NotAllowed("a reviewer cannot adjudicate a task they answered")
    return await store.record_adjudication(task_id, adjudicator_id, chosen.answers, now)
