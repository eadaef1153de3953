"""Moving a whole database from one store to another (a SQLite pilot to PostgreSQL, say).

Rows keep their ids, so every reference survives. The target must be empty; the copy is one
transaction there, and it commits only if every table's row count and the ledger's sum match.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from taskbank.errors import Problem, ValidationFailed

TABLES = (
    "projects",
    "terms_acceptances",
    "batches",
    "tasks",
    "assignments",
    "submissions",
    "reviews",
    "ledger",
    "drafts",
    "message_links",
    "posts",
    "batch_quality",
    "writer_pauses",
    "adjudications",
)
CHUNK = 5000


class CopySource(Protocol):
    """A store whose tables can be read row by row."""

    async def table_columns(self, table: str) -> list[str]: ...
    def table_chunks(
        self, table: str, columns: list[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]: ...
    async def table_count(self, table: str) -> int: ...
    async def ledger_total(self) -> int: ...


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows per table and the ledger's sum, equal on both sides."""

    rows: dict[str, int]
    ledger_cents: int


async def copy_database(
    source: CopySource, target: Any, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    """Copy every table from `source` into the empty `target`, or change nothing."""
    if not hasattr(target, "load_copy"):
        raise ValidationFailed(
            [Problem("to", "the target must be a PostgreSQL database (postgresql://…)")]
        )
    expected = {table: await source.table_count(table) for table in TABLES}
    ledger = await source.ledger_total()
    await target.load_copy(source, TABLES, CHUNK, expected, ledger, progress)
    return CopyReport(expected, ledger)
