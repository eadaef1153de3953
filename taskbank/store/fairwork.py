"""Fair-work storage, written once for both dialects: the rows behind honest hourly rates,
approval dates, terms views, appeals and their per-reviewer counts.

SQL uses PostgreSQL's `$n` placeholders; SQLite reads the same text with `?n`. Each store supplies
two primitives (`_fw_fetch` on its reader, `_fw_transaction` on its writer), so no statement here
is repeated per dialect. Nothing here updates or deletes a ledger row: an upheld appeal pays with a
new entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from taskbank.clock import from_micros, to_micros
from taskbank.errors import NotAllowed, NotFound

T = TypeVar("T")
Row = Mapping[str, Any]


class Fetch(Protocol):
    """Run one statement inside the current transaction and return its rows."""

    async def __call__(self, sql: str, *args: Any) -> list[Row]: ...


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


@dataclass(frozen=True)
class AppealRow:
    """An appeal against a rejection, open or decided."""

    id: int
    submission_id: int
    writer_id: str
    reviewer_id: str
    note: str
    filed_at: datetime
    outcome: str
    decided_by: str | None
    decision_reason: str | None
    decided_at: datetime | None


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

_APPEAL_COLUMNS = (
    "id, submission_id, writer_id, reviewer_id, note, filed_at, outcome, decided_by,"
    " decision_reason, decided_at"
)


def _appeal(row: Row) -> AppealRow:
    decided = row["decided_at"]
    return AppealRow(
        id=row["id"],
        submission_id=row["submission_id"],
        writer_id=row["writer_id"],
        reviewer_id=row["reviewer_id"],
        note=row["note"],
        filed_at=from_micros(row["filed_at"]),
        outcome=row["outcome"],
        decided_by=row["decided_by"],
        decision_reason=row["decision_reason"],
        decided_at=None if decided is None else from_micros(decided),
    )


class FairWorkQueries:
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
        found = await self._fw_fetch(
            "SELECT s.id, s.batch_id, t.external_id, s.submitted_at, b.pay_cents"
            " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " JOIN batches AS b ON b.id = s.batch_id"
            " WHERE s.writer_id = $1 AND s.status = 'pending' ORDER BY s.submitted_at, s.id",
            writer_id,
        )
        return [
            PendingRow(
                row["id"],
                row["batch_id"],
                row["external_id"],
                from_micros(row["submitted_at"]),
                int(row["pay_cents"]),
            )
            for row in found
        ]

    # -- appeals -------------------------------------------------------------------------------

    async def insert_appeal(
        self, submission_id: int, writer_id: str, reviewer_id: str, note: str, now: datetime
    ) -> AppealRow:
        """File an appeal; a second appeal on the same submission is refused."""

        async def work(fetch: Fetch) -> AppealRow:
            inserted = await fetch(
                "INSERT INTO appeals (submission_id, writer_id, reviewer_id, note, filed_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (submission_id) DO NOTHING"
                f" RETURNING {_APPEAL_COLUMNS}",
                submission_id,
                writer_id,
                reviewer_id,
                note,
                to_micros(now),
            )
            if not inserted:
                raise NotAllowed("this rejection was already appealed; an appeal is heard once")
            return _appeal(inserted[0])

        return await self._fw_transaction(work)

    async def get_appeal(self, appeal_id: int) -> AppealRow:
        """An appeal by id."""
        found = await self._fw_fetch(
            f"SELECT {_APPEAL_COLUMNS} FROM appeals WHERE id = $1", appeal_id
        )
        if not found:
            raise NotFound(f"no appeal {appeal_id}")
        return _appeal(found[0])

    async def appeal_for_submission(self, submission_id: int) -> AppealRow | None:
        """The appeal against a submission's rejection, if one was filed."""
        found = await self._fw_fetch(
            f"SELECT {_APPEAL_COLUMNS} FROM appeals WHERE submission_id = $1", submission_id
        )
        return _appeal(found[0]) if found else None

    async def decide_appeal(
        self,
        appeal_id: int,
        coordinator_id: str,
        upheld: bool,
        reason: str | None,
        now: datetime,
    ) -> AppealRow:
        """Uphold (approve and pay with a new 'earned' entry) or deny an open appeal, once."""

        async def work(fetch: Fetch) -> AppealRow:
            decided = await fetch(
                "UPDATE appeals SET outcome = $1, decided_by = $2, decision_reason = $3,"
                " decided_at = $4 WHERE id = $5 AND outcome = 'open' AND reviewer_id <> $2"
                f" RETURNING {_APPEAL_COLUMNS}",
                "upheld" if upheld else "denied",
                coordinator_id,
                reason,
                to_micros(now),
                appeal_id,
            )
            if not decided:
                appeal = await fetch(
                    f"SELECT {_APPEAL_COLUMNS} FROM appeals WHERE id = $1", appeal_id
                )
                if not appeal:
                    raise NotFound(f"no appeal {appeal_id}")
                if appeal[0]["outcome"] != "open":
                    raise NotAllowed(f"appeal {appeal_id} was already {appeal[0]['outcome']}")
                raise NotAllowed("the reviewer who rejected cannot hear the appeal")
            appeal = _appeal(decided[0])
            if upheld:
                await fetch(
                    "UPDATE submissions SET status = 'approved' WHERE id = $1", appeal.submission_id
                )
                await fetch(
                    "INSERT INTO ledger (writer_id, kind, amount_cents, submission_id, batch_id,"
                    " note, created_at)"
                    " SELECT s.writer_id, 'earned', b.pay_cents, s.id, s.batch_id, $2, $3"
                    " FROM submissions AS s JOIN batches AS b ON b.id = s.batch_id"
                    " WHERE s.id = $1",
                    appeal.submission_id,
                    f"appeal {appeal.id} upheld",
                    to_micros(now),
                )
            return appeal

        return await self._fw_transaction(work)

    async def open_appeals(self) -> list[AppealRow]:
        """Appeals waiting for a coordinator, oldest first."""
        found = await self._fw_fetch(
            f"SELECT {_APPEAL_COLUMNS} FROM appeals WHERE outcome = 'open' ORDER BY filed_at, id"
        )
        return [_appeal(row) for row in found]

    async def appeal_counts(self) -> list[tuple[str, str, int]]:
        """Appeals per reviewer and outcome: (reviewer, outcome, count)."""
        found = await self._fw_fetch(
            "SELECT reviewer_id, outcome, count(*) AS n FROM appeals"
            " GROUP BY reviewer_id, outcome ORDER BY reviewer_id, outcome"
        )
        return [(row["reviewer_id"], row["outcome"], int(row["n"])) for row in found]


def sqlite_placeholders(sql: str, args: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """The same statement for SQLite: `$n` becomes `?n` (numbered, so one argument serves twice)."""
    return sql.replace("$", "?"), tuple(args)
