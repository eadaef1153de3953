"""PostgreSQL's half of the quality flow: batch quality policies, writers' gold records, pauses
and adjudicated answers (the claim's gold mixing lives in claim_task, migration 0004)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from taskbank.clock import from_micros, to_micros
from taskbank.models import Submission
from taskbank.qualification import GOLD_SLOTS, Pause
from taskbank.store import rows

T = TypeVar("T")


async def store_quality(
    connection: asyncpg.Connection, batch_id: int, quality: tuple[float | None, str]
) -> None:
    """Inside create_batch's transaction: the batch's policy, and its gold as control tasks."""
    gold_rate, policy_json = quality
    await connection.execute(
        "INSERT INTO batch_quality (batch_id, gold_rate, policy_json) VALUES ($1, $2, $3)",
        batch_id,
        gold_rate,
        policy_json,
    )
    if gold_rate is not None:
        await connection.execute(
            "UPDATE tasks SET open_slots = $1 WHERE batch_id = $2 AND gold_json IS NOT NULL",
            GOLD_SLOTS,
            batch_id,
        )


def _pause(row: asyncpg.Record) -> Pause:
    return Pause(
        batch_id=row["batch_id"],
        writer_id=row["writer_id"],
        paused_at=from_micros(row["paused_at"]),
        reason=row["reason"],
        gold_correct=row["gold_correct"],
        gold_answered=row["gold_answered"],
        last_submission_id=row["last_submission_id"],
        reinstated_at=None if row["reinstated_at"] is None else from_micros(row["reinstated_at"]),
        reinstated_by=row["reinstated_by"],
    )


class PostgresQualityFlow:
    """The quality-flow methods of PostgresStore (mixed in; they use its pool)."""

    @property
    def pool(self) -> asyncpg.Pool:
        raise NotImplementedError  # pragma: no cover - PostgresStore provides it

    async def _write(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        raise NotImplementedError  # pragma: no cover - PostgresStore provides it

    async def batch_quality(self, batch_id: int) -> str | None:
        """A batch's stored quality policy (JSON), or None."""
        return await self.pool.fetchval(
            "SELECT policy_json FROM batch_quality WHERE batch_id = $1", batch_id
        )

    async def gold_record(
        self,
        writer_id: str,
        batch_id: int,
        *,
        after_submission_id: int = 0,
        first: int | None = None,
    ) -> list[tuple[int, bool]]:
        """A writer's gold answers on a batch, oldest first."""
        found = await self.pool.fetch(
            "SELECT id, gold_correct FROM submissions WHERE writer_id = $1 AND batch_id = $2"
            " AND gold_correct IS NOT NULL AND id > $3 ORDER BY id LIMIT $4",
            writer_id,
            batch_id,
            after_submission_id,
            first,
        )
        return [(row[0], bool(row[1])) for row in found]

    async def pause_writer(self, pause: Pause) -> bool:
        """Record a pause unless one is open for this writer and batch."""
        status = await self.pool.execute(
            "INSERT INTO writer_pauses (batch_id, writer_id, paused_at, reason, gold_correct,"
            " gold_answered, last_submission_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT DO NOTHING",
            pause.batch_id,
            pause.writer_id,
            to_micros(pause.paused_at),
            pause.reason,
            pause.gold_correct,
            pause.gold_answered,
            pause.last_submission_id,
        )
        return status.endswith(" 1")

    async def reinstate_writer(
        self, batch_id: int, writer_id: str, by: str, now: datetime
    ) -> Pause | None:
        """Close the writer's open pause on a batch."""
        row = await self.pool.fetchrow(
            "UPDATE writer_pauses SET reinstated_at = $1, reinstated_by = $2"
            " WHERE batch_id = $3 AND writer_id = $4 AND reinstated_at IS NULL RETURNING *",
            to_micros(now),
            by,
            batch_id,
            writer_id,
        )
        return None if row is None else _pause(row)

    async def pauses(
        self, *, batch_id: int | None = None, writer_id: str | None = None, open_only: bool = True
    ) -> list[Pause]:
        """Pauses, newest first."""
        found = await self.pool.fetch(
            "SELECT * FROM writer_pauses WHERE ($1::bigint IS NULL OR batch_id = $1)"
            " AND ($2::text IS NULL OR writer_id = $2)"
            " AND (NOT $3 OR reinstated_at IS NULL) ORDER BY id DESC",
            batch_id,
            writer_id,
            open_only,
        )
        return [_pause(row) for row in found]

    async def gold_submissions_for(self, batch_id: int) -> list[Submission]:
        """Every answer to a gold task of a batch, in id order."""
        found = await self.pool.fetch(
            "SELECT * FROM submissions WHERE batch_id = $1 AND gold_correct IS NOT NULL ORDER BY id",
            batch_id,
        )
        return [rows.submission(row) for row in found]

    async def record_adjudication(
        self, task_id: int, adjudicator_id: str, answers: dict[str, Any], now: datetime
    ) -> tuple[dict[str, Any], bool]:
        """Record the final answer for a task unless one stands."""

        async def operation(connection: asyncpg.Connection) -> tuple[str, bool]:
            status = await connection.execute(
                "INSERT INTO adjudications (task_id, batch_id, answers_json, adjudicator_id,"
                " decided_at) SELECT id, batch_id, $1, $2, $3 FROM tasks WHERE id = $4"
                " ON CONFLICT DO NOTHING",
                rows.dumps(answers),
                adjudicator_id,
                to_micros(now),
                task_id,
            )
            stored = await connection.fetchval(
                "SELECT answers_json FROM adjudications WHERE task_id = $1", task_id
            )
            return stored, status.endswith(" 1")

        stored, recorded = await self._write(operation)
        return json.loads(stored), recorded

    async def adjudications(self, batch_id: int) -> dict[int, dict[str, Any]]:
        """The final answers reviewers settled on in a batch, by task id."""
        found = await self.pool.fetch(
            "SELECT task_id, answers_json FROM adjudications WHERE batch_id = $1", batch_id
        )
        return {row[0]: json.loads(row[1]) for row in found}

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every answer to one task, oldest first."""
        found = await self.pool.fetch(
            "SELECT * FROM submissions WHERE task_id = $1 ORDER BY id", task_id
        )
        return [rows.submission(row) for row in found]

    async def open_extra_slot(self, task_id: int, max_overlap: int) -> bool:
        """Open one more slot on a fully taken task, below max_overlap live assignments (the
        task row is locked first, so two submits cannot both open one)."""

        async def operation(connection: asyncpg.Connection) -> bool:
            await connection.execute("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE", task_id)
            status = await connection.execute(
                "UPDATE tasks SET open_slots = open_slots + 1 WHERE id = $1 AND open_slots = 0"
                " AND (SELECT count(*) FROM assignments WHERE task_id = $1"
                " AND state IN ('active', 'submitted')) < $2",
                task_id,
                max_overlap,
            )
            return status.endswith(" 1")

        return await self._write(operation)

    async def answers_by_task(self, batch_id: int) -> dict[int, list[Submission]]:
        """Non-gold tasks of a batch answered by two or more writers, with their answers."""
        found = await self.pool.fetch(
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.batch_id = $1 AND t.gold_json IS NULL AND s.task_id IN ("
            " SELECT task_id FROM submissions WHERE batch_id = $1 GROUP BY task_id"
            " HAVING count(*) > 1) ORDER BY s.task_id, s.id",
            batch_id,
        )
        by_task: dict[int, list[Submission]] = defaultdict(list)
        for row in found:
            by_task[row["task_id"]].append(rows.submission(row))
        return dict(by_task)
