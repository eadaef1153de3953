"""What the adapter tests read back from the task bank, through TaskBank's own methods (never
raw SQL): how many batches, tasks and submissions there are, assignment states, a week's pay."""

from __future__ import annotations

from collections import Counter
from typing import Any

from taskbank.periods import period_containing
from taskbank.service import TaskBank


async def batch_count(bank: TaskBank) -> int:
    return len(await bank.list_batches())


async def task_count(bank: TaskBank) -> int:
    return sum([(await bank.batch_progress(b.id)).tasks for b in await bank.list_batches()])


async def submission_count(bank: TaskBank) -> int:
    counts = [await bank.batch_progress(b.id) for b in await bank.list_batches()]
    return sum(sum(progress.submissions.values()) for progress in counts)


async def assignment_states(bank: TaskBank) -> dict[str, int]:
    """Assignments by state, over every batch."""
    states: Counter[str] = Counter()
    for batch in await bank.list_batches():
        states.update((await bank.batch_progress(batch.id)).assignments)
    return {state: count for state, count in states.items() if count}


async def answers(bank: TaskBank, submission_id: int = 1) -> dict[str, Any]:
    return (await bank.submission(submission_id)).answers


async def earned_this_week(bank: TaskBank) -> tuple[int, int]:
    """(approved submissions, cents earned) this week, all writers together."""
    totals = (await bank.tally(period_containing(bank.now(), "week"))).totals
    return totals.approved, totals.earned_cents


async def post_states(bank: TaskBank, jobs: tuple[str, ...] = ("tally", "qa")) -> dict[str, int]:
    """The scheduler's recorded posts by state ('pending', 'sent'), over its jobs."""
    states: Counter[str] = Counter()
    for job in jobs:
        states.update(str(state) for _, _, state in await bank.outbox_history(job))
    return dict(states)


async def statuses(bank: TaskBank) -> list[tuple[int, str]]:
    """(id, status) of every submission, in order."""
    count = await submission_count(bank)
    return [(i, str((await bank.submission(i)).status)) for i in range(1, count + 1)]


async def saved_drafts(bank: TaskBank, writer_id: str) -> int:
    """How many of the writer's held tasks carry a draft with something in it."""
    held = await bank.active_assignments(writer_id)
    return sum([1 for assignment in held if await bank.draft(assignment.id)])
