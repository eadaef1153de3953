"""Claims, leases and drafts: the ClaimStore role and the statements both dialects share for it.

The claim itself is one statement per dialect (SQLite's runs on the single writer, PostgreSQL's
locks the task row with SKIP LOCKED); the rest — look-ups, ending and expiring leases, drafts —
is written once here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from taskbank.clock import to_micros
from taskbank.errors import NotFound
from taskbank.models import Assignment, AssignmentState, Task
from taskbank.store import rows
from taskbank.store.records import BatchCandidate
from taskbank.store.refusals import refuse
from taskbank.store.runner import Operation, Runner, execute, fetch, fetch_one


class ClaimStore(Protocol):
    """Handing out tasks under leases, ending them, and keeping half-done answers."""

    async def claim_candidates(self, writer_id: str) -> list[BatchCandidate]:
        """Open batches in claim order (priority, then age), with terms and budget facts."""
        ...

    async def claim(
        self,
        writer_id: str,
        batch_ids: Sequence[int],
        caps: dict[int, int],
        now: datetime,
        max_active: int = 1,
        orders: Sequence[str] | None = None,
    ) -> tuple[Assignment, Task] | None:
        """Take one slot of the first task open to this writer, trying batches in order (a
        batch in `caps` only while its project stays within that many cents); the assignment
        with its task, or None. A writer already holding `max_active` live leases gets the
        oldest back instead. `orders` gives, per batch, the kinds of task to try ('any', or
        'gold'/'plain' in a comma-separated order). Atomic: no task goes over its overlap."""
        ...

    async def get_task(self, task_id: int) -> Task:
        """A task by id (NotFound when there is none)."""
        ...

    async def get_assignment(self, assignment_id: int) -> Assignment:
        """An assignment by id (NotFound when there is none)."""
        ...

    async def active_assignments(self, writer_id: str) -> list[Assignment]:
        """A writer's live leases, oldest first."""
        ...

    async def has_claimed(self, writer_id: str) -> bool:
        """Whether this writer ever claimed a task (has any work on record)."""
        ...

    async def end_assignment(
        self, assignment_id: int, writer_id: str, state: AssignmentState, now: datetime
    ) -> Assignment:
        """Release or skip a live assignment, freeing its slot; a refusal says why."""
        ...

    async def expire_leases(self, now: datetime) -> list[Assignment]:
        """Return every lapsed lease's slot to the pool; the leases expired now."""
        ...

    async def update_draft(
        self,
        assignment_id: int,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        now: datetime,
    ) -> dict[str, Any]:
        """Replace the half-done answer with `change(the one kept)`, in one transaction that
        holds the draft meanwhile, so answers saved at the same moment are all kept; returns the
        draft kept. What `change` raises refuses the change (nothing is stored)."""
        ...

    async def get_draft(self, assignment_id: int) -> dict[str, Any]:
        """The half-done answer kept for an assignment (empty when none)."""
        ...


class Claims:
    """ClaimStore's shared statements over `runner`; a store adds `claim`."""

    runner: Runner

    async def claim_candidates(self, writer_id: str) -> list[BatchCandidate]:
        """Open batches in claim order (priority, then age), with terms and budget facts."""
        found = await self.runner.fetch(
            "SELECT b.id, b.project_id, p.name AS project_name, b.template, b.pay_cents, b.deadline,"
            " (p.terms IS NOT NULL AND ta.writer_id IS NULL) AS needs_terms, p.budget_cap_cents,"
            " EXISTS (SELECT 1 FROM writer_pauses AS wp WHERE wp.batch_id = b.id"
            " AND wp.writer_id = $1 AND wp.reinstated_at IS NULL) AS paused"
            " FROM batches AS b JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN terms_acceptances AS ta ON ta.project_id = p.id AND ta.writer_id = $1"
            " WHERE b.state = 'open' ORDER BY b.priority DESC, b.created_at, b.id",
            writer_id,
        )
        return [rows.batch_candidate(row) for row in found]

    async def get_task(self, task_id: int) -> Task:
        """A task by id."""
        row = await self.runner.fetch_one("SELECT * FROM tasks WHERE id = $1", task_id)
        if row is None:
            raise NotFound(f"no task {task_id}")
        return rows.task(row)

    async def get_assignment(self, assignment_id: int) -> Assignment:
        """An assignment by id."""
        row = await self.runner.fetch_one("SELECT * FROM assignments WHERE id = $1", assignment_id)
        if row is None:
            raise NotFound(f"no assignment {assignment_id}")
        return rows.assignment(row)

    async def active_assignments(self, writer_id: str) -> list[Assignment]:
        """A writer's live leases, oldest first."""
        found = await self.runner.fetch(
            "SELECT * FROM assignments WHERE writer_id = $1 AND state = 'active' ORDER BY id",
            writer_id,
        )
        return [rows.assignment(row) for row in found]

    async def has_claimed(self, writer_id: str) -> bool:
        """Whether this writer ever claimed a task (has any work on record)."""
        found = await self.runner.fetch_one(
            "SELECT 1 FROM assignments WHERE writer_id = $1 LIMIT 1", writer_id
        )
        return found is not None

    async def end_assignment(
        self, assignment_id: int, writer_id: str, state: AssignmentState, now: datetime
    ) -> Assignment:
        """Release or skip an active assignment, freeing its slot for other writers."""

        def operation() -> Operation[rows.Row]:
            found = yield fetch_one(
                "UPDATE assignments SET state = $1, ended_at = $2"
                " WHERE id = $3 AND writer_id = $4 AND state IN ('active', 'expired') RETURNING *",
                state.value,
                to_micros(now),
                assignment_id,
                writer_id,
            )
            if found is None:
                yield from refuse(assignment_id, writer_id)
            return found

        return rows.assignment(await self.runner.write(operation()))

    async def expire_leases(self, now: datetime) -> list[Assignment]:
        """Return every lapsed lease's slot to the pool."""
        found = await self.runner.write(
            fetch(
                "UPDATE assignments SET state = 'expired', ended_at = lease_expires_at"
                " WHERE state = 'active' AND lease_expires_at <= $1 RETURNING *",
                to_micros(now),
            )
        )
        return [rows.assignment(row) for row in found]

    async def update_draft(
        self,
        assignment_id: int,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        now: datetime,
    ) -> dict[str, Any]:
        """Read, change and write the draft in one operation. Its first statement creates or
        touches the draft's row, which locks it on PostgreSQL until the commit (and hands back
        its latest answers), so a second save at the same moment waits and merges into this
        one's; on SQLite the writer runs operations one at a time."""

        def operation() -> Operation[dict[str, Any]]:
            kept = yield fetch_one(
                "INSERT INTO drafts (assignment_id, answers_json, updated_at) VALUES ($1, '{}', $2)"
                " ON CONFLICT (assignment_id) DO UPDATE SET updated_at = excluded.updated_at"
                " RETURNING answers_json",
                assignment_id,
                to_micros(now),
            )
            draft = change(json.loads(kept[0]) if kept else {})
            yield execute(
                "UPDATE drafts SET answers_json = $1, updated_at = $2 WHERE assignment_id = $3",
                rows.dumps(draft),
                to_micros(now),
                assignment_id,
            )
            return draft

        return await self.runner.write(operation())

    async def get_draft(self, assignment_id: int) -> dict[str, Any]:
        """The half-done answer kept for an assignment (empty when none)."""
        found = await self.runner.fetch_one(
            "SELECT answers_json FROM drafts WHERE assignment_id = $1", assignment_id
        )
        return json.loads(found[0]) if found else {}
