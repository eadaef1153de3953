"""Money: the LedgerStore role, written once for both dialects.

The ledger is append-only (triggers refuse any rewrite); earnings are appended by the database
when a verdict approves, so this role only appends bonuses and adjustments and reads entries back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from taskbank.clock import to_micros
from taskbank.models import LedgerEntry, LedgerKind
from taskbank.store import rows
from taskbank.store.runner import Runner, fetch_one


class LedgerStore(Protocol):
    """Appending money entries and reading them back."""

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        """Append a bonus or adjustment; the entry as stored."""
        ...

    async def ledger_entries(self, writer_id: str | None = None) -> list[LedgerEntry]:
        """The ledger, oldest first, for one writer or everyone."""
        ...


class Ledger:
    """LedgerStore over `runner`."""

    runner: Runner

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        """Append a bonus or adjustment."""
        row = await self.runner.write(
            fetch_one(
                "INSERT INTO ledger (writer_id, kind, amount_cents, batch_id, note, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                writer_id,
                kind.value,
                amount_cents,
                batch_id,
                note,
                to_micros(now),
            )
        )
        return rows.ledger_entry(row)

    async def ledger_entries(self, writer_id: str | None = None) -> list[LedgerEntry]:
        """The ledger, oldest first, for one writer or everyone."""
        found = await self.runner.fetch(
            "SELECT * FROM ledger WHERE (CAST($1 AS TEXT) IS NULL OR writer_id = $1) ORDER BY id",
            writer_id,
        )
        return [rows.ledger_entry(row) for row in found]
