"""Fair-work storage, written once for both dialects: the rows behind honest hourly rates,
approval dates, terms views, calibration, open work, a writer's record and once-only bonuses
(appeals are in taskbank/store/appeals.py).

SQL uses PostgreSQL's `$n` placeholders; SQLite reads the same text with `?n`. Each store supplies
two primitives (`_fw_fetch` on its reader, `_fw_transaction` on its writer), so no statement here
is repeated per dialect. Nothing here updates or deletes a ledger row: an upheld appeal pays with a
new entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from taskbank.clock import from_micros, to_micros
from taskbank.store.appeals import AppealQueries, Fetch
from taskbank.store.rows import built

T = TypeVar("T")
Row = Mapping[str, Any]


@dataclass(frozen=True)
class HoldRow:
    """One ended hold on a task, with what it paid or may pay (the unit of time on task)."""

    writer_id: str
    batch_id: int
    project_id: int
    state: str  # submitted, released, skipped, expired
    ended_at: datetime
    seconds: int
    submission_id: int | None
    status: str | None  # pending, approved, rejected (submitted holds only)
    pay_cents: int
    earned_cents: int


@dataclass(frozen=True)
class TermsRow:
    """A writer's reading of one project's terms: first shown, then accepted."""

    writer_id: str
    project_id: int
    shown_at: datetime
    accepted_at: datetime


@dataclass(frozen=True)
class PendingRow:
    """A submission waiting for a verdict, and what it will pay."""

    submission_id: int
    batch_id: int
    external_id: str
    submitted_at: datetime
    pay_cents: int


def _writer(column: str, position: int, writer_id: str | None) -> tuple[str, tuple[Any, ...]]:
    return ("", ()) if writer_id is None else (f" AND {column} = ${position}", (writer_id,))


_HOLDS = """
SELECT a.writer_id, a.batch_id, b.project_id, a.state, a.claimed_at, a.ended_at,
       a.lease_expires_at, s.id AS submission_id, s.status, s.seconds_on_task, b.pay_cents,
       CAST((SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l
             WHERE l.submission_id = s.id AND l.kind = 'earned') AS BIGINT) AS earned_cents
FROM assignments AS a JOIN batches AS b ON b.id = a.batch_id
LEFT JOIN submissions AS s ON s.assignment_id = a.id
WHERE a.state <> 'active' AND a.ended_at >= $1 AND a.ended_at < $2{writer}
ORDER BY a.id
"""


def _holds(found: Sequence[Row]) -> list[HoldRow]:
    """`_HOLDS`' rows as HoldRows (a tally's are every writer's: tens of thousands)."""
    holds = []
    for row in found:
        if row["submission_id"] is not None:
            seconds = int(row["seconds_on_task"])
        else:
            until = min(row["ended_at"], row["lease_expires_at"])
            seconds = max(0, (until - row["claimed_at"]) // 1_000_000)
        holds.append(
            HoldRow(
                writer_id=row["writer_id"],
                batch_id=row["batch_id"],
                project_id=row["project_id"],
                state=row["state"],
                ended_at=from_micros(row["ended_at"]),
                seconds=seconds,
                submission_id=row["submission_id"],
                status=row["status"],
                pay_cents=int(row["pay_cents"]),
                earned_cents=int(row["earned_cents"]),
            )
        )
    return holds


class FairWorkQueries(AppealQueries):
    """Fair-work reads and writes, shared by SqliteStore and PostgresStore."""

    async def _fw_fetch(self, sql: str, *args: Any) -> list[Row]:
        raise NotImplementedError

    async def _fw_transaction(self, work: Callable[[Fetch], Awaitable[T]]) -> T:
        raise NotImplementedError

    # -- honest hourly rates -----------------------------------------------------------------

    async def fair_work_holds(
        self, start: datetime, end: datetime, writer_id: str | None
    ) -> list[HoldRow]:
        """Every hold that ended in [start, end): submitted, released, skipped or expired.

        A hold that never became an answer counts its time up to its lease's end at most (a
        release long after the lease ran out is not more work).
        """
        where, extra = _writer("a.writer_id", 3, writer_id)
        found = await self._fw_fetch(
            _HOLDS.format(writer=where), to_micros(start), to_micros(end), *extra
        )
        return await built(len(found), lambda: _holds(found))

    async def fair_work_terms(
        self, start: datetime, end: datetime, writer_id: str | None
    ) -> list[TermsRow]:
        """Terms accepted in [start, end) that were shown first (their reading time counts)."""
        where, extra = _writer("t.writer_id", 3, writer_id)
        found = await self._fw_fetch(
            "SELECT t.writer_id, t.project_id, v.shown_at, t.accepted_at"
            " FROM terms_acceptances AS t JOIN terms_views AS v"
            " ON v.project_id = t.project_id AND v.writer_id = t.writer_id"
            " WHERE t.accepted_at >= $1 AND t.accepted_at < $2" + where,
            to_micros(start),
            to_micros(end),
            *extra,
        )
        return [
            TermsRow(
                row["writer_id"],
                row["project_id"],
                from_micros(row["shown_at"]),
                from_micros(row["accepted_at"]),
            )
            for row in found
        ]

    async def fair_work_extras(
        self, start: datetime, end: datetime, writer_id: str | None
    ) -> list[tuple[str, str, int]]:
        """Bonuses and adjustments entered in [start, end): (writer, kind, cents)."""
        where, extra = _writer("writer_id", 3, writer_id)
        found = await self._fw_fetch(
            "SELECT writer_id, kind, CAST(sum(amount_cents) AS BIGINT) AS cents FROM ledger"
            " WHERE kind <> 'earned' AND created_at >= $1 AND created_at < $2"
            + where
            + " GROUP BY writer_id, kind ORDER BY writer_id, kind",
            to_micros(start),
            to_micros(end),
            *extra,
        )
        return [(row["writer_id"], row["kind"], int(row["cents"])) for row in found]

    async def record_terms_shown(self, project_id: int, writer_id: str, now: datetime) -> None:
        """Remember when a writer was first shown a project's terms (later showings change nothing)."""

        async def work(fetch: Fetch) -> None:
            await fetch(
                "INSERT INTO terms_views (project_id, writer_id, shown_at) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING",
                project_id,
                writer_id,
                to_micros(now),
            )

        await self._fw_transaction(work)

    # -- approval dates ------------------------------------------------------------------------

    async def pending_for_writer(self, writer_id: str) -> list[PendingRow]:
        """A writer's submissions still waiting for a verdict, oldest first."""
        found = await self._fw_fetch(_PENDING.format(where="s.writer_id = $1 AND"), writer_id)
        return [_pending_row(row) for row in found]

    async def pending_by_writer(self) -> dict[str, list[PendingRow]]:
        """Every writer's submissions still waiting for a verdict, oldest first: one read for a
        tally's private cards, where one per writer cost 20,000 round trips."""
        found = await self._fw_fetch(_PENDING.format(where=""))
        return await built(len(found), lambda: _pending_by_writer(found))

    async def batch_timings(self, batch_id: int) -> list[int]:
        """Every answer's time on task in a batch, in seconds (for pay calibration)."""
        found = await self._fw_fetch(
            "SELECT seconds_on_task FROM submissions WHERE batch_id = $1 ORDER BY id", batch_id
        )
        return [int(row["seconds_on_task"]) for row in found]

    async def insert_top_up(
        self, writer_id: str, amount_cents: int, note: str, batch_id: int, now: datetime
    ) -> bool:
        """Append a bonus (a top-up, a batch rule's) unless one with the same note was already paid
        to this writer (one statement, so a run sent again never pays twice); True when appended."""

        async def work(fetch: Fetch) -> bool:
            inserted = await fetch(
                "INSERT INTO ledger (writer_id, kind, amount_cents, batch_id, note, created_at)"
                " SELECT $1, 'bonus', $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM ledger"
                " WHERE writer_id = $1 AND kind = 'bonus' AND note = $4) RETURNING id",
                writer_id,
                amount_cents,
                batch_id,
                note,
                to_micros(now),
            )
            return bool(inserted)

        return await self._fw_transaction(work)

    async def open_work(self, writer_id: str, now: datetime) -> list[Row]:
        """Open batches before their deadline, in claim order, with the tasks this writer could
        still take (a task with a slot open that they never held; overlap gives a task several
        slots, a gold task a million, yet a writer takes each task once): id, name, title, pay,
        deadline, the coordinator's estimate, project, left."""
        found = await self._fw_fetch(
            "SELECT b.id, b.name, b.title, b.pay_cents, b.deadline, b.estimate_seconds,"
            " p.name AS project_name,"
            " CAST((SELECT count(*) FROM tasks AS t WHERE t.batch_id = b.id AND t.open_slots > 0"
            " AND NOT EXISTS (SELECT 1 FROM assignments AS a"
            " WHERE a.task_id = t.id AND a.writer_id = $1)) AS BIGINT) AS tasks_left"
            " FROM batches AS b JOIN projects AS p ON p.id = b.project_id"
            " WHERE b.state = 'open' AND (b.deadline IS NULL OR b.deadline > $2)"
            " ORDER BY b.priority DESC, b.created_at, b.id",
            writer_id,
            to_micros(now),
        )
        return [
            {**row, "deadline": None if row["deadline"] is None else from_micros(row["deadline"])}
            for row in found
        ]

    async def writer_record(self, writer_id: str) -> list[Row]:
        """Every answer of a writer with its task, batch, project, verdict, pay and appeal."""
        return await self._fw_fetch(
            "SELECT s.id AS submission_id, t.external_id AS task, p.name AS project,"
            " b.name AS batch, s.submitted_at, s.seconds_on_task, s.status,"
            " CAST((SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l"
            " WHERE l.submission_id = s.id AND l.kind = 'earned') AS BIGINT) AS paid_cents,"
            " r.reason, r.automatic, ap.outcome AS appeal, ap.decision_reason AS appeal_reason"
            " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " JOIN batches AS b ON b.id = s.batch_id JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN reviews AS r ON r.submission_id = s.id"
            " LEFT JOIN appeals AS ap ON ap.submission_id = s.id"
            " WHERE s.writer_id = $1 ORDER BY s.id",
            writer_id,
        )

    async def gold_accuracy(self, batch_id: int) -> list[tuple[str, int, int]]:
        """Per writer in a batch: (writer, gold answers, gold answers correct)."""
        found = await self._fw_fetch(
            "SELECT writer_id, count(*) AS answered,"
            " sum(CASE WHEN gold_correct = 1 THEN 1 ELSE 0 END) AS correct FROM submissions"
            " WHERE batch_id = $1 AND gold_correct IS NOT NULL GROUP BY writer_id ORDER BY writer_id",
            batch_id,
        )
        return [(row["writer_id"], int(row["answered"]), int(row["correct"])) for row in found]

    async def automatic_rejections_since(self, since: datetime) -> list[int]:
        """Submissions rejected automatically (gold checks) since a time, whose writer has not
        been sent the notice yet (job 'rejection' in the outbox), oldest first."""
        found = await self._fw_fetch(
            "SELECT r.submission_id FROM reviews AS r JOIN submissions AS s"
            " ON s.id = r.submission_id WHERE r.verdict = 'rejected' AND r.automatic = 1"
            " AND r.reviewed_at >= $1 AND NOT EXISTS (SELECT 1 FROM posts AS p"
            " WHERE p.job = 'rejection' AND p.period_key = CAST(r.submission_id AS TEXT)"
            " AND p.recipient = s.writer_id AND p.state = 'sent') ORDER BY r.reviewed_at, r.id",
            to_micros(since),
        )
        return [int(row["submission_id"]) for row in found]


def sqlite_placeholders(sql: str, args: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """The same statement for SQLite: `$n` becomes `?n` (numbered, so one argument serves twice)."""
    return sql.replace("$", "?"), tuple(args)


_PENDING = (
    "SELECT s.writer_id, s.id, s.batch_id, t.external_id, s.submitted_at, b.pay_cents"
    " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
    " JOIN batches AS b ON b.id = s.batch_id"
    " WHERE {where} s.status = 'pending' ORDER BY s.submitted_at, s.id"
)


def _pending_row(row: Row) -> PendingRow:
    return PendingRow(
        row["id"],
        row["batch_id"],
        row["external_id"],
        from_micros(row["submitted_at"]),
        int(row["pay_cents"]),
    )


def _pending_by_writer(found: Sequence[Row]) -> dict[str, list[PendingRow]]:
    by_writer: dict[str, list[PendingRow]] = {}
    for row in found:
        by_writer.setdefault(row["writer_id"], []).append(_pending_row(row))
    return by_writer
