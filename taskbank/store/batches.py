"""Projects and batches: the BatchStore role and the statements both dialects share for it.

Creating a batch (a bulk insert of its tasks) is per dialect; everything else here is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from taskbank.batchsettings import BatchSettings, TaskSpec
from taskbank.clock import to_micros
from taskbank.errors import NotFound
from taskbank.models import Batch, BatchState, Project
from taskbank.store import rows
from taskbank.store.records import BatchProgress
from taskbank.store.runner import Runner


class BatchStore(Protocol):
    """Projects, their terms, and batches with their tasks."""

    async def get_project(self, project_id: int) -> Project:
        """A project by id (NotFound when there is none)."""
        ...

    async def accept_terms(self, project_id: int, writer_id: str, now: datetime) -> None:
        """Record that a writer accepted a project's terms (once; repeats change nothing)."""
        ...

    async def create_batch(
        self,
        settings: BatchSettings,
        tasks: Sequence[TaskSpec],
        *,
        overlap: int,
        lease_seconds: int,
        now: datetime,
        quality: tuple[float | None, str] | None = None,
    ) -> Batch:
        """Store a batch, its tasks and (the first time) its project in one transaction: a
        refusal anywhere (a duplicate name or task id, a value the database cannot hold) leaves
        no row at all. `quality` is the batch's (gold rate, policy JSON); its gold tasks then
        open to every writer once (control tasks)."""
        ...

    async def get_batch(self, batch_id: int) -> Batch:
        """A batch by id (NotFound when there is none)."""
        ...

    async def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        ...

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        """Open, pause or close a batch; the batch as it is now."""
        ...

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        """Task, assignment and submission counts for one batch."""
        ...


class Batches:
    """BatchStore's shared statements over `runner`; a store adds `create_batch`."""

    runner: Runner

    async def get_project(self, project_id: int) -> Project:
        """A project by id."""
        row = await self.runner.fetch_one("SELECT * FROM projects WHERE id = $1", project_id)
        if row is None:
            raise NotFound(f"no project {project_id}")
        return rows.project(row)

    async def accept_terms(self, project_id: int, writer_id: str, now: datetime) -> None:
        """Record that a writer accepted a project's terms (once; repeats change nothing)."""
        await self.runner.execute(
            "INSERT INTO terms_acceptances (project_id, writer_id, accepted_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            project_id,
            writer_id,
            to_micros(now),
        )

    async def get_batch(self, batch_id: int) -> Batch:
        """A batch by id."""
        row = await self.runner.fetch_one("SELECT * FROM batches WHERE id = $1", batch_id)
        if row is None:
            raise NotFound(f"no batch {batch_id}")
        return rows.batch(row)

    async def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        found = await self.runner.fetch("SELECT * FROM batches ORDER BY id DESC")
        return [rows.batch(row) for row in found]

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        """Open, pause or close a batch."""
        changed = await self.runner.execute(
            "UPDATE batches SET state = $1 WHERE id = $2", state.value, batch_id
        )
        if not changed:
            raise NotFound(f"no batch {batch_id}")
        return await self.get_batch(batch_id)

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        """Task, assignment and submission counts for one batch."""
        batch = await self.get_batch(batch_id)
        tasks = await self.runner.fetch_one(
            "SELECT count(*) FROM tasks WHERE batch_id = $1", batch_id
        )
        assert tasks is not None
        assignments = await self.runner.fetch(
            "SELECT state, count(*) FROM assignments WHERE batch_id = $1 GROUP BY state", batch_id
        )
        submissions = await self.runner.fetch(
            "SELECT status, count(*), min(submitted_at), max(submitted_at) FROM submissions"
            " WHERE batch_id = $1 GROUP BY status",
            batch_id,
        )
        return rows.batch_progress(batch, tasks[0], assignments, submissions)
