"""Adjudication: tasks whose writers disagree (no strict majority on a question) wait for a
reviewer, who picks the answer that stands as final.

The vote here is the simple one the flow needs to route work: per question, an answer held by
more than half of the task's writers wins. Free text and rewrites are never compared (two good
rewrites differ by nature). The agreement and consensus figures live in `taskbank.quality`.
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

if TYPE_CHECKING:
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


def disputes(
    batch: Batch, tasks: dict[int, Task], answered: dict[int, list[Submission]], settled: set[int]
) -> list[Dispute]:
    """The tasks of a batch without a majority and without a final answer yet, in task order."""
    found = []
    for task_id in sorted(answered):
        if task_id in settled:
            continue
        submissions = answered[task_id]
        questions = disputed_questions(batch.questions, [s.answers for s in submissions])
        if questions:
            found.append(Dispute(batch, tasks[task_id], submissions, questions))
    return found


async def find_disputes(
    store: Store, batch: Batch, task: Callable[[int], Awaitable[Task]]
) -> list[Dispute]:
    """A batch's tasks awaiting adjudication (none unless its overlap is above one)."""
    if batch.overlap < 2:
        return []
    answered = await store.answers_by_task(batch.id)
    settled = set(await store.adjudications(batch.id))
    tasks = {task_id: await task(task_id) for task_id in answered if task_id not in settled}
    return disputes(batch, tasks, answered, settled)


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
