"""Moving a whole database from one store to another (a SQLite pilot to PostgreSQL, say).

Rows keep their ids, so every reference survives. The target must be empty; the copy is one
transaction there, and it commits only if every table's row count and the ledger's sum match.
Every store is a CopySource; a store that can take a copy is a CopyTarget (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from taskbank.store.runner import Runner

TABLES = (
    "projects",
    "terms_acceptances",
    "terms_views",
    "batches",
    "tasks",
    "assignments",
    "submissions",
    "reviews",
    "appeals",
    "ledger",
    "drafts",
    "message_links",
    "posts",
    "batch_quality",
    "writer_pauses",
    "adjudications",
    "pseudonyms",
    "writer_credits",
)
# Tables a copy leaves behind, and why (every other table must be in TABLES: a test checks).
NOT_COPIED = {
    "deliveries": "platform delivery ids kept a day to drop retries; a copy runs with the bot stopped",
    "forgetting": "a guard row lives only while `writer forget` runs; it is gone once that commits",
    "schema_migrations": "each store records its own migrations",
}
CHUNK = 5000
Progress = Callable[[str, int], None]


class CopySource(Protocol):
    """A store whose tables can be read row by row."""

    async def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        ...

    def table_chunks(
        self, table: str, columns: list[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """A table's rows (those columns, in that order) in chunks of at most `size`."""
        ...

    async def table_count(self, table: str) -> int:
        """How many rows a table holds."""
        ...

    async def ledger_total(self) -> int:
        """The sum of every ledger entry, in cents."""
        ...


class CopyTarget(Protocol):
    """A store that can be filled, whole, from another."""

    async def load_copy(
        self,
        source: CopySource,
        tables: Sequence[str],
        chunk: int,
        expected: dict[str, int],
        ledger: int,
        progress: Progress | None = None,
    ) -> None:
        """Load every table from `source` in one transaction, refusing a target that is not
        empty; commit only if each table's count and the ledger's sum match `expected` and
        `ledger`, else raise ValidationFailed with nothing committed."""
        ...


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows per table and the ledger's sum, equal on both sides."""

    rows: dict[str, int]
    ledger_cents: int


async def copy_database(
    source: CopySource, target: CopyTarget, progress: Progress | None = None
) -> CopyReport:
    """Copy every table from `source` into the empty `target`, or change nothing."""
    expected = {table: await source.table_count(table) for table in TABLES}
    ledger = await source.ledger_total()
    await target.load_copy(source, TABLES, CHUNK, expected, ledger, progress)
    return CopyReport(expected, ledger)


class CopyReads:
    """CopySource's shared statements over `runner`; a store adds `table_columns`."""

    runner: Runner

    async def table_chunks(
        self, table: str, columns: list[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """A table's rows in chunks of `size`."""
        async for chunk in self.runner.stream(
            f"SELECT {', '.join(columns)} FROM {table}", size=size
        ):
            yield [tuple(row) for row in chunk]

    async def table_count(self, table: str) -> int:
        """How many rows a table holds."""
        found = await self.runner.fetch_one(f"SELECT count(*) FROM {table}")
        assert found is not None
        return found[0]

    async def ledger_total(self) -> int:
        """The sum of every ledger entry, in cents."""
        found = await self.runner.fetch_one(
            "SELECT CAST(coalesce(sum(amount_cents), 0) AS BIGINT) FROM ledger"
        )
        assert found is not None
        return found[0]
