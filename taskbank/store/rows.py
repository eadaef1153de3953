"""Stored rows to domain records: the one place that knows column encodings.

Times are stored as microseconds since the epoch (UTC) and JSON columns as text; both stores
share these conversions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from taskbank.clock import from_micros
from taskbank.models import (
    Assignment,
    Batch,
    LedgerEntry,
    Project,
    Review,
    Submission,
    Tally,
    TallyLine,
    Task,
)
from taskbank.questions import QUESTION_LIST
from taskbank.store.batchrows import duplicate_batch_name as duplicate_batch_name  # for service.py
from taskbank.store.records import BatchCandidate, BatchProgress

Row = Mapping[str, Any]
T = TypeVar("T")


# One encoder for every stored value: `json.dumps` with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dumps(value: Any) -> str:
    """Compact, stable JSON for storage."""
    return _ENCODER.encode(value)


def _time(value: int | None):
    return None if value is None else from_micros(value)


def project(row: Row) -> Project:
    """A projects row as a Project."""
    return Project(
        id=row["id"],
        name=row["name"],
        guidelines=row["guidelines"],
        terms=row["terms"],
        budget_cap_cents=row["budget_cap_cents"],
        target_hourly_cents=row["target_hourly_cents"],
        created_at=from_micros(row["created_at"]),
    )


def batch(row: Row) -> Batch:
    """A batches row as a Batch."""
    return Batch(
        id=row["id"],
        project_id=row["project_id"],
        name=row["name"],
        template=row["template"],
        template_version=row["template_version"],
        title=row["title"],
        instructions=row["instructions"],
        questions=QUESTION_LIST.validate_json(row["questions_json"], context={"stored": True}),
        pay_cents=row["pay_cents"],
        overlap=row["overlap"],
        lease_seconds=row["lease_seconds"],
        review_rate=row["review_rate"],
        priority=row["priority"],
        deadline=_time(row["deadline"]),
        state=row["state"],
        created_at=from_micros(row["created_at"]),
        estimate_seconds=row["estimate_seconds"],
    )


def task(row: Row) -> Task:
    """A tasks row as a Task."""
    return Task(
        id=row["id"],
        batch_id=row["batch_id"],
        external_id=row["external_id"],
        payload=json.loads(row["payload_json"]),
        gold=json.loads(row["gold_json"]) if row["gold_json"] else None,
    )


def claimed(row: Row) -> tuple[Assignment, Task]:
    """A claim's row: the assignment's columns and its task's as task_id, task_external_id,
    task_payload_json and task_gold_json."""
    return assignment(row), Task(
        id=row["task_id"],
        batch_id=row["batch_id"],
        external_id=row["task_external_id"],
        payload=json.loads(row["task_payload_json"]),
        gold=json.loads(row["task_gold_json"]) if row["task_gold_json"] else None,
    )


def assignment(row: Row) -> Assignment:
    """An assignments row as an Assignment."""
    return Assignment(
        id=row["id"],
        task_id=row["task_id"],
        batch_id=row["batch_id"],
        writer_id=row["writer_id"],
        state=row["state"],
        claimed_at=from_micros(row["claimed_at"]),
        lease_expires_at=from_micros(row["lease_expires_at"]),
        ended_at=_time(row["ended_at"]),
    )


def submission(row: Row, answers: dict[str, Any] | None = None) -> Submission:
    """A submissions row as a Submission (`answers`: what was just stored as its answers_json,
    so a fresh insert need not read back its own JSON)."""
    gold = row["gold_correct"]
    return Submission(
        id=row["id"],
        assignment_id=row["assignment_id"],
        task_id=row["task_id"],
        batch_id=row["batch_id"],
        writer_id=row["writer_id"],
        client_key=row["client_key"],
        answers=json.loads(row["answers_json"]) if answers is None else answers,
        submitted_at=from_micros(row["submitted_at"]),
        seconds_on_task=row["seconds_on_task"],
        status=row["status"],
        gold_correct=None if gold is None else bool(gold),
        sampled_at=_time(row["sampled_at"]),
    )


def review(row: Row) -> Review:
    """A reviews row as a Review."""
    return Review(
        id=row["id"],
        submission_id=row["submission_id"],
        reviewer_id=row["reviewer_id"],
        verdict=row["verdict"],
        reason=row["reason"],
        reviewed_at=from_micros(row["reviewed_at"]),
        automatic=bool(row["automatic"]),
    )


def ledger_entry(row: Row) -> LedgerEntry:
    """A ledger row as a LedgerEntry."""
    return LedgerEntry(
        id=row["id"],
        writer_id=row["writer_id"],
        kind=row["kind"],
        amount_cents=row["amount_cents"],
        submission_id=row["submission_id"],
        batch_id=row["batch_id"],
        note=row["note"],
        created_at=from_micros(row["created_at"]),
    )


def batch_candidate(row: Row) -> BatchCandidate:
    """A claim-candidates row as a BatchCandidate."""
    return BatchCandidate(
        batch_id=row["id"],
        project_id=row["project_id"],
        project_name=row["project_name"],
        template=row["template"],
        pay_cents=row["pay_cents"],
        deadline=None if row["deadline"] is None else from_micros(row["deadline"]),
        needs_terms=bool(row["needs_terms"]),
        budget_cap_cents=row["budget_cap_cents"],
        paused=bool(row["paused"]),
    )


def tally(
    start: datetime,
    end: datetime,
    work: Iterable[Sequence[Any]],
    money: Iterable[Sequence[Any]],
    pay_by_batch: Mapping[int, int],
) -> Tally:
    """Build a tally from its two aggregates.

    `work` rows are (writer, batch, submitted, approved, rejected, pending, seconds) and `money`
    rows are (writer, ledger kind, cents).
    """
    lines: dict[str, dict[str, Any]] = {}
    for writer, batch_id, submitted, approved, rejected, pending, seconds in work:
        entry = lines.setdefault(writer, {"writer_id": writer})
        for key, value in (
            ("submitted", submitted),
            ("approved", approved),
            ("rejected", rejected),
            ("pending", pending),
            ("seconds_on_task", int(seconds)),
            ("pending_cents", pending * pay_by_batch.get(batch_id, 0)),
        ):
            entry[key] = entry.get(key, 0) + value
    for writer, kind, cents in money:
        lines.setdefault(writer, {"writer_id": writer})[f"{kind}_cents"] = int(cents)
    return Tally(
        period_start=start,
        period_end=end,
        lines=[TallyLine(**values) for _, values in sorted(lines.items())],
    )


# Up to this many rows are turned into records on the event loop's thread (a writer's own
# figures, a small team's: a thread hop would cost more); beyond, in a worker thread: 20,000
# writers' tally lines took the loop 151 ms to build.
ROWS_ON_THE_LOOP = 500


async def built(rows_count: int, build: Callable[[], T]) -> T:
    """`build()`, which turns `rows_count` fetched rows into records: on the loop's thread when
    they are few, in a worker thread when many."""
    if rows_count <= ROWS_ON_THE_LOOP:
        return build()
    return await asyncio.to_thread(build)


def activity(
    money: Iterable[Sequence[Any]], work: Iterable[Sequence[Any]]
) -> list[tuple[int, int, int]]:
    """Merge (bucket, cents) and (bucket, submissions) rows into (bucket, cents, submissions)."""
    buckets: dict[int, list[int]] = {}
    for bucket, cents in money:
        buckets.setdefault(bucket, [0, 0])[0] = int(cents)
    for bucket, count in work:
        buckets.setdefault(bucket, [0, 0])[1] = count
    return [(bucket, cents, count) for bucket, (cents, count) in sorted(buckets.items())]


def batch_progress(
    batch: Batch,
    task_count: int,
    assignment_counts: Iterable[Sequence[Any]],
    submission_counts: Iterable[Sequence[Any]],
) -> BatchProgress:
    """A batch's progress from (state, count) and (status, count, first, last) rows."""
    submissions = list(submission_counts)
    firsts = [row[2] for row in submissions]
    lasts = [row[3] for row in submissions]
    return BatchProgress(
        batch=batch,
        tasks=task_count,
        slots=task_count * batch.overlap,
        assignments={row[0]: row[1] for row in assignment_counts},
        submissions={row[0]: row[1] for row in submissions},
        first_submitted_at=from_micros(min(firsts)) if firsts else None,
        last_submitted_at=from_micros(max(lasts)) if lasts else None,
    )
