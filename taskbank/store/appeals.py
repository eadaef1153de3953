"""Appeal storage, written once for both dialects (see taskbank/store/fairwork.py for how): file
an appeal, decide it once (upholding pays with a new ledger entry), and count outcomes per
reviewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from taskbank.appeal_row import AppealRow
from taskbank.clock import from_micros, to_micros
from taskbank.errors import NotAllowed, NotFound

T = TypeVar("T")
Row = Mapping[str, Any]


class Fetch(Protocol):
    """Run one statement inside the current transaction and return its rows."""

    async def __call__(self, sql: str, *args: Any) -> list[Row]: ...


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


class AppealQueries:
    """Appeal reads and writes; the store supplies `_fw_fetch` and `_fw_transaction`."""

    async def _fw_fetch(self, sql: str, *args: Any) -> list[Row]:
        raise NotImplementedError

    async def _fw_transaction(self, work: Callable[[Fetch], Awaitable[T]]) -> T:
        raise NotImplementedError

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
