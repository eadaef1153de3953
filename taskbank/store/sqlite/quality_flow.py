"""SQLite's half of the quality flow: batch quality policies, writers' gold records, pauses and
adjudicated answers (the claim's own gold mixing lives in the claim statement in store.py)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any

from taskbank.clock import from_micros, to_micros
from taskbank.models import Submission
from taskbank.qualification import GOLD_SLOTS, Pause
from taskbank.store import rows


def _store_quality(
    connection: sqlite3.Connection, batch_id: int, quality: tuple[float | None, str]
) -> None:
    """Inside create_batch's transaction: the batch's policy, and its gold as control tasks."""
    gold_rate, policy_json = quality
    connection.execute(
        "INSERT INTO batch_quality (batch_id, gold_rate, policy_json) VALUES (?, ?, ?)",
        (batch_id, gold_rate, policy_json),
    )
    if gold_rate is not None:
        connection.execute(
            "UPDATE tasks SET open_slots = ? WHERE batch_id = ? AND gold_json IS NOT NULL",
            (GOLD_SLOTS, batch_id),
        )


def _pause(row: sqlite3.Row) -> Pause:
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


class SqliteQualityFlow:
    """The quality-flow methods of SqliteStore (mixed in; they use its reader and writer)."""

    async def _read(self, sql: str, params: Any = (), *, second: bool = False) -> list[Any]:
        raise NotImplementedError  # pragma: no cover - SqliteStore provides it

    async def _write(self, operation):  # type: ignore[no-untyped-def]
        raise NotImplementedError  # pragma: no cover - SqliteStore provides it

    async def batch_quality(self, batch_id: int) -> str | None:
        """A batch's stored quality policy (JSON), or None."""
        found = await self._read(
            "SELECT policy_json FROM batch_quality WHERE batch_id = ?", (batch_id,)
        )
        return found[0][0] if found else None

    async def gold_record(
        self,
        writer_id: str,
        batch_id: int,
        *,
        after_submission_id: int = 0,
        first: int | None = None,
    ) -> list[tuple[int, bool]]:
        """A writer's gold answers on a batch, oldest first."""
        found = await self._read(
            "SELECT id, gold_correct FROM submissions WHERE writer_id = ? AND batch_id = ?"
            " AND gold_correct IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
            (writer_id, batch_id, after_submission_id, -1 if first is None else first),
        )
        return [(row[0], bool(row[1])) for row in found]

    async def pause_writer(self, pause: Pause) -> bool:
        """Record a pause unless one is open for this writer and batch."""

        def operation(connection: sqlite3.Connection) -> bool:
            cursor = connection.execute(
                "INSERT INTO writer_pauses (batch_id, writer_id, paused_at, reason, gold_correct,"
                " gold_answered, last_submission_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (
                    pause.batch_id,
                    pause.writer_id,
                    to_micros(pause.paused_at),
                    pause.reason,
                    pause.gold_correct,
                    pause.gold_answered,
                    pause.last_submission_id,
                ),
            )
            return cursor.rowcount == 1

        return await self._write(operation)

    async def reinstate_writer(
        self, batch_id: int, writer_id: str, by: str, now: datetime
    ) -> Pause | None:
        """Close the writer's open pause on a batch."""

        def operation(connection: sqlite3.Connection) -> sqlite3.Row | None:
            found = list(
                connection.execute(
                    "UPDATE writer_pauses SET reinstated_at = ?, reinstated_by = ?"
                    " WHERE batch_id = ? AND writer_id = ? AND reinstated_at IS NULL RETURNING *",
                    (to_micros(now), by, batch_id, writer_id),
                )
            )
            return found[0] if found else None

        row = await self._write(operation)
        return None if row is None else _pause(row)

    async def pauses(
        self, *, batch_id: int | None = None, writer_id: str | None = None, open_only: bool = True
    ) -> list[Pause]:
        """Pauses, newest first."""
        found = await self._read(
            "SELECT * FROM writer_pauses WHERE (:batch IS NULL OR batch_id = :batch)"
            " AND (:writer IS NULL OR writer_id = :writer)"
            " AND (NOT :open OR reinstated_at IS NULL) ORDER BY id DESC",
            {"batch": batch_id, "writer": writer_id, "open": int(open_only)},
        )
        return [_pause(row) for row in found]

    async def gold_submissions_for(self, batch_id: int) -> list[Submission]:
        """Every answer to a gold task of a batch, in id order."""
        found = await self._read(
            "SELECT * FROM submissions WHERE batch_id = ? AND gold_correct IS NOT NULL ORDER BY id",
            (batch_id,),
        )
        return [rows.submission(row) for row in found]

    async def record_adjudication(
        self, task_id: int, adjudicator_id: str, answers: dict[str, Any], now: datetime
    ) -> tuple[dict[str, Any], bool]:
        """Record the final answer for a task unless one stands."""

        def operation(connection: sqlite3.Connection) -> tuple[str, bool]:
            cursor = connection.execute(
                "INSERT INTO adjudications (task_id, batch_id, answers_json, adjudicator_id,"
                " decided_at) SELECT id, batch_id, ?, ?, ? FROM tasks WHERE id = ?"
                " ON CONFLICT DO NOTHING",
                (rows.dumps(answers), adjudicator_id, to_micros(now), task_id),
            )
            found = list(
                connection.execute(
                    "SELECT answers_json FROM adjudications WHERE task_id = ?", (task_id,)
                )
            )
            return found[0][0], cursor.rowcount == 1

        stored, recorded = await self._write(operation)
        return json.loads(stored), recorded

    async def adjudications(self, batch_id: int) -> dict[int, dict[str, Any]]:
        """The final answers reviewers settled on in a batch, by task id."""
        found = await self._read(
            "SELECT task_id, answers_json FROM adjudications WHERE batch_id = ?", (batch_id,)
        )
        return {row[0]: json.loads(row[1]) for row in found}

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every answer to one task, oldest first."""
        found = await self._read(
            "SELECT * FROM submissions WHERE task_id = ? ORDER BY id", (task_id,)
        )
        return [rows.submission(row) for row in found]

    async def open_extra_slot(self, task_id: int, max_overlap: int) -> bool:
        """Open one more slot on a fully taken task, below max_overlap live assignments."""

        def operation(connection: sqlite3.Connection) -> bool:
            cursor = connection.execute(
                "UPDATE tasks SET open_slots = open_slots + 1 WHERE id = ? AND open_slots = 0"
                " AND (SELECT count(*) FROM assignments WHERE task_id = ?"
                " AND state IN ('active', 'submitted')) < ?",
                (task_id, task_id, max_overlap),
            )
            return cursor.rowcount == 1

        return await self._write(operation)

    async def answers_by_task(self, batch_id: int) -> dict[int, list[Submission]]:
        """Non-gold tasks of a batch answered by two or more writers, with their answers."""
        found = await self._read(
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.batch_id = ? AND t.gold_json IS NULL AND s.task_id IN ("
            " SELECT task_id FROM submissions WHERE batch_id = ? GROUP BY task_id"
            " HAVING count(*) > 1) ORDER BY s.task_id, s.id",
            (batch_id, batch_id),
        )
        by_task: dict[int, list[Submission]] = defaultdict(list)
        for row in found:
            by_task[row["task_id"]].append(rows.submission(row))
        return dict(by_task)
