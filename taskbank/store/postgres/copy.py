"""PostgreSQL as a copy target (and source): a whole database loaded in one checked transaction."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from taskbank.errors import Problem, ValidationFailed
from taskbank.store.copy import CopyReads, CopySource, Progress


class PostgresCopy(CopyReads):
    """CopySource and CopyTarget on PostgreSQL; a store supplies `runner`, `pool` and `schema`."""

    pool: asyncpg.Pool
    schema: str | None

    async def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        found = await self.runner.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
            " AND table_schema = current_schema() ORDER BY ordinal_position",
            table,
        )
        return [row[0] for row in found]

    async def load_copy(
        self,
        source: CopySource,
        tables: Sequence[str],
        chunk: int,
        expected: dict[str, int],
        ledger: int,
        progress: Progress | None = None,
    ) -> None:
        """Load every table from `source` in one transaction; commit only if the counts and sums match.

        User triggers are off during the load: slot counts, statuses and ledger rows are copied
        as they are, not derived again.
        """
        async with self.pool.acquire() as connection, connection.transaction():
            if await connection.fetchval("SELECT count(*) FROM projects"):
                raise ValidationFailed(
                    [Problem("to", "the target database is not empty; copy into a new one")]
                )
            for table in tables:
                columns = await source.table_columns(table)
                await connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                async for rows_chunk in source.table_chunks(table, columns, chunk):
                    await connection.copy_records_to_table(
                        table, columns=columns, records=rows_chunk, schema_name=self.schema
                    )
                    if progress is not None:
                        progress(table, len(rows_chunk))
                await connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                if "id" in columns:
                    await connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
            problems = []
            for table in tables:
                count = await connection.fetchval(f"SELECT count(*) FROM {table}")
                if count != expected[table]:
                    problems.append(
                        Problem(table, f"{count} rows copied, {expected[table]} expected")
                    )
            total = await connection.fetchval(
                "SELECT coalesce(sum(amount_cents), 0)::bigint FROM ledger"
            )
            if total != ledger:
                problems.append(
                    Problem("ledger", f"sums to {total} cents after the copy, {ledger} before")
                )
            if problems:
                raise ValidationFailed(
                    problems, summary="the copy did not match; nothing was committed"
                )
