"""The PostgreSQL reads behind the quality figures (the store's methods call these)."""

from __future__ import annotations

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
    """Every answer of a batch (grouped by task, which spares the figures a sort), with its tasks' external ids and gold (and payloads when some
    question takes its options from them)."""
    from taskbank.quality.answers import stored_answers

    submissions = await read(
        "SELECT task_id, writer_id, answers_json, gold_correct FROM submissions"
        " WHERE batch_id = $1 ORDER BY task_id, id",
        batch_id,
    )
    payload = "payload_json" if option_fields else "NULL"
    tasks = await read(
        f"SELECT id, external_id, gold_json, {payload} FROM tasks WHERE batch_id = $1 ORDER BY id",
        batch_id,
    )
    return stored_answers(submissions, tasks, option_fields)


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
