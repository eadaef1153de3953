"""The PostgreSQL reads behind the quality figures (the store's methods call these)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskbank.clock import to_micros

if TYPE_CHECKING:  # numpy and the figures load only when asked for
    from taskbank.quality.answers import StoredAnswers

Read = Callable[..., Awaitable[list[Any]]]


async def quality_answers(
    read: Read, batch_id: int, option_fields: dict[str, str] | None
) -> StoredAnswers:
    """Every answer of a batch in one read, grouped by task (which spares the figures a sort):
    each question's answer cut out of the answers JSON by PostgreSQL (as JSON text, the text
    parsed once per row), so Python never parses a whole answer; with the answered tasks' external
    ids and gold (and payloads when some question takes its options from them), read at the same
    time (only the answered ones: a big batch's other tasks cost rows the figures never use)."""
    from taskbank.quality.answers import StoredAnswers

    found = await read("SELECT questions_json FROM batches WHERE id = $1", batch_id)
    question_ids = [question["id"] for question in json.loads(found[0][0])] if found else []
    picked = "".join(f", a -> ${i + 2}::text" for i in range(len(question_ids)))
    payload = "payload_json" if option_fields else "NULL"
    submissions, tasks = await asyncio.gather(
        read(
            f"SELECT task_id, writer_id, coalesce(gold_correct, -1){picked} FROM"
            " (SELECT task_id, writer_id, gold_correct, id, answers_json::json AS a"
            "  FROM submissions WHERE batch_id = $1 OFFSET 0) AS s ORDER BY task_id, id",
            batch_id,
            *question_ids,
        ),
        read(
            f"SELECT id, external_id, gold_json, {payload} FROM tasks WHERE batch_id = $1"
            " AND id IN (SELECT task_id FROM submissions WHERE batch_id = $1) ORDER BY id",
            batch_id,
        ),
    )
    return StoredAnswers(question_ids, submissions, tasks, option_fields or {})


async def review_counts(read: Read, batch_id: int) -> dict[str, tuple[int, int]]:
    """Per writer, (approved, rejected) verdicts given by people on a batch's answers."""
    found = await read(
        "SELECT s.writer_id, count(*) FILTER (WHERE r.verdict = 'approved'),"
        " count(*) FILTER (WHERE r.verdict = 'rejected')"
        " FROM reviews AS r JOIN submissions AS s ON s.id = r.submission_id"
        " WHERE s.batch_id = $1 AND r.automatic = 0 GROUP BY s.writer_id",
        batch_id,
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in found}


async def batches_answered_between(read: Read, start: datetime, end: datetime) -> list[int]:
    """The batches that received answers in a period, by id."""
    found = await read(
        "SELECT DISTINCT batch_id FROM submissions WHERE submitted_at >= $1 AND submitted_at < $2"
        " ORDER BY batch_id",
        to_micros(start),
        to_micros(end),
    )
    return [row[0] for row in found]
