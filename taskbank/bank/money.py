"""Money and the outbox: ledger entries, tallies, report reads, send-once posts and exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from taskbank.bank.values import PostState
from taskbank.clock import from_micros
from taskbank.credit import named_rows
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.export import ExportFormat, write_export
from taskbank.models import (
    LedgerEntry,
    LedgerKind,
    Period,
    Project,
    Tally,
)

if TYPE_CHECKING:
    pass


class Money:
    """The TaskBank's money methods (state and store come from TaskBank)."""

    # -- money -----------------------------------------------------------------------------

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None = None,
    ) -> LedgerEntry:
        """Append a bonus or an adjustment (earnings come from approvals only)."""
        if kind == LedgerKind.EARNED:
            raise NotAllowed("earnings are recorded by approving submissions")
        if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
            raise ValidationFailed([Problem("amount_cents", "expected a whole number of cents")])
        if not note.strip():
            raise ValidationFailed([Problem("note", "say why this money moves")])
        return await self.store.add_ledger_entry(
            writer_id, kind, amount_cents, note, batch_id, self.clock.now()
        )

    async def tally(self, period: Period, writer_id: str | None = None) -> Tally:
        """Per-writer figures for a period, derived from the ledger and the submissions."""
        return await self.store.tally(period.start, period.end, writer_id)

    async def project_spend(self) -> list[tuple[Project, int]]:
        """Every project with the cents its ledger has paid so far (for budget lines)."""
        return await self.store.project_spend()

    async def writer_projects(self, period: Period) -> dict[str, set[int]]:
        """Per writer, the projects they submitted work to in a period."""
        return await self.store.writer_projects(period.start, period.end)

    async def activity_by_quarter_hour(self, period: Period) -> list[tuple[datetime, int, int]]:
        """Money and tasks per quarter hour of a period (its start in UTC, cents, tasks), for
        the tally chart."""
        found = await self.store.activity_by_quarter_hour(period.start, period.end)
        return [(from_micros(bucket), cents, tasks) for bucket, cents, tasks in found]

    # -- the outbox: scheduled posts sent once -----------------------------------------------

    async def outbox_record(self, job: str, key: str, recipient: str) -> PostState:
        """Record a post as pending unless it is known: 'new', else its state ('pending', 'sent').

        A post is recorded before it is sent and marked sent after, so a restart neither skips
        nor repeats it; a 'pending' one may have reached the chat before a crash.
        """
        return await self.store.record_post(job, key, recipient, self.now())  # type: ignore[return-value]

    async def outbox_sent(self, job: str, key: str, recipient: str) -> None:
        """Mark a recorded post as sent."""
        await self.store.mark_post_sent(job, key, recipient, self.now())

    async def outbox_pending(self, job: str) -> list[tuple[str, str]]:
        """A job's posts recorded but not yet marked sent: (key, recipient), oldest first."""
        return [(key, to) for key, to, _ in await self.store.posts(job, state="pending")]

    async def outbox_history(self, job: str) -> list[tuple[str, str, PostState]]:
        """Every post recorded for a job: (key, recipient, state)."""
        return await self.store.posts(job)  # type: ignore[return-value]

    async def send_once(
        self, job: str, key: str, recipient: str, send: Callable[[bool], Awaitable[None]]
    ) -> bool:
        """Send one post unless it was sent: record it, `send(retry)` (retry when a record was
        already pending), mark it sent. Returns whether anything was sent."""
        state = await self.outbox_record(job, key, recipient)
        if state == "sent":
            return False
        await send(state == "pending")
        await self.outbox_sent(job, key, recipient)
        return True

    async def export(
        self,
        batch_id: int,
        out: TextIO,
        file_format: ExportFormat = "jsonl",
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write every answer of a batch with provenance; returns how many rows."""
        batch = await self.batch(batch_id)
        questions = [q.id for q in batch.questions]
        names = await self.export_names(batch_id)  # type: ignore[attr-defined]
        rows = named_rows(self.store.export_rows(batch_id), names)
        return await write_export(rows, out, file_format, questions, progress)
