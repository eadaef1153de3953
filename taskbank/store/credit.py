"""Credit and forgetting, written once for both dialects: opt-in names per project, stored
pseudonyms for exports, and the one guarded path that rewrites a forgotten writer's ids.

Why a guard and not an identity table, and why random pseudonyms: see the migration (SQLite 0009,
PostgreSQL 0007). Forgetting runs as one operation: the guard row is inserted, every identifier
column rewritten, the guard deleted, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from taskbank.clock import to_micros
from taskbank.store.runner import Operation, Runner, execute, execute_many, fetch

# Every column that holds a person's id ('platform:user'), by table. A new table with one must be
# added here: tests/store/test_forget.py looks for a forgotten id in every text column of every table.
IDENTITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "terms_acceptances": ("writer_id",),
    "terms_views": ("writer_id",),
    "assignments": ("writer_id",),
    "submissions": ("writer_id",),
    "reviews": ("reviewer_id",),
    "ledger": ("writer_id",),
    "appeals": ("writer_id", "reviewer_id", "decided_by"),
    "writer_pauses": ("writer_id", "reinstated_by"),
    "adjudications": ("adjudicator_id",),
    "posts": ("recipient",),
}
# Free text that names a person by id by construction (a bonus's "granted by slack:U1").
ID_IN_TEXT: dict[str, str] = {"ledger": "note"}


def _mentions(table: str) -> str:
    columns = IDENTITY_COLUMNS[table]
    where = " OR ".join(f"{column} = $1" for column in columns)
    if table in ID_IN_TEXT:
        where += f" OR replace({ID_IN_TEXT[table]}, $1, '') <> {ID_IN_TEXT[table]}"
    return where


class CreditQueries:
    """Credit, pseudonyms and forgetting over `runner` (SqliteStore and PostgresStore)."""

    runner: Runner

    # -- credit ----------------------------------------------------------------------------

    async def project_names(self) -> dict[int, str]:
        """Every project's name, by id (a credit names its project by name)."""
        found = await self.runner.fetch("SELECT id, name FROM projects ORDER BY name")
        return {int(row[0]): row[1] for row in found}

    async def set_credit(self, project_id: int, writer_id: str, name: str, now: datetime) -> None:
        """Credit a writer on a project under `name` (a second opt-in changes the name)."""
        await self.runner.execute(
            "INSERT INTO writer_credits (project_id, writer_id, credited_name, opted_in_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, writer_id)"
            " DO UPDATE SET credited_name = excluded.credited_name,"
            " opted_in_at = excluded.opted_in_at",
            project_id,
            writer_id,
            name,
            to_micros(now),
        )

    async def remove_credit(self, project_id: int, writer_id: str) -> bool:
        """Withdraw a writer's credit on a project; whether there was one."""
        removed = await self.runner.execute(
            "DELETE FROM writer_credits WHERE project_id = $1 AND writer_id = $2",
            project_id,
            writer_id,
        )
        return removed > 0

    async def project_credits(self, project_id: int) -> dict[str, str]:
        """The credited name of every writer who opted in on a project."""
        found = await self.runner.fetch(
            "SELECT writer_id, credited_name FROM writer_credits WHERE project_id = $1",
            project_id,
        )
        return {row["writer_id"]: row["credited_name"] for row in found}

    async def credits_of(self, writer_id: str) -> list[tuple[str, str]]:
        """A writer's credits: (project name, credited name), by project name."""
        found = await self.runner.fetch(
            "SELECT p.name, c.credited_name FROM writer_credits AS c"
            " JOIN projects AS p ON p.id = c.project_id WHERE c.writer_id = $1 ORDER BY p.name",
            writer_id,
        )
        return [(row[0], row[1]) for row in found]

    async def contributions(self, batch_id: int) -> list[tuple[str, int, int]]:
        """Per writer of a batch: (writer, answers, seconds on task), by writer."""
        found = await self.runner.fetch(
            "SELECT writer_id, count(*) AS tasks,"
            " CAST(coalesce(sum(seconds_on_task), 0) AS BIGINT) AS seconds"
            " FROM submissions WHERE batch_id = $1 GROUP BY writer_id ORDER BY writer_id",
            batch_id,
        )
        return [(row["writer_id"], int(row["tasks"]), int(row["seconds"])) for row in found]

    # -- pseudonyms --------------------------------------------------------------------------

    async def batch_people(self, batch_id: int) -> list[str]:
        """Everyone an export of a batch names: its writers and its reviewers."""
        found = await self.runner.fetch(
            "SELECT writer_id FROM submissions WHERE batch_id = $1 UNION"
            " SELECT r.reviewer_id FROM reviews AS r JOIN submissions AS s"
            " ON s.id = r.submission_id WHERE s.batch_id = $1 AND r.automatic = 0",
            batch_id,
        )
        return [row[0] for row in found]

    async def pseudonyms_for(
        self, user_ids: list[str], mint: Callable[[], str], now: datetime
    ) -> dict[str, str]:
        """Each person's stored pseudonym, minting (and storing) one for whoever has none."""
        return await self.runner.write(_pseudonyms(sorted(set(user_ids)), mint, to_micros(now)))

    # -- forgetting ----------------------------------------------------------------------------

    async def identity_counts(self, user_id: str) -> dict[str, int]:
        """How many rows of each table name a person (what forgetting them would rewrite)."""
        tables = [*IDENTITY_COLUMNS, "writer_credits"]
        parts = [
            f"SELECT '{table}' AS t, count(*) AS n FROM {table} WHERE {_mentions(table)}"
            for table in IDENTITY_COLUMNS
        ]
        parts.append("SELECT 'writer_credits', count(*) FROM writer_credits WHERE writer_id = $1")
        found = await self.runner.fetch(" UNION ALL ".join(parts), user_id)
        counts = {row[0]: int(row[1]) for row in found}
        return {table: counts.get(table, 0) for table in tables}

    async def pseudonym_row(self, user_id: str) -> dict[str, Any] | None:
        """The pseudonyms row of a person (or of a forgotten pseudonym), if any."""
        row = await self.runner.fetch_one("SELECT * FROM pseudonyms WHERE user_id = $1", user_id)
        return None if row is None else dict(row)

    async def forget_user(
        self, user_id: str, mint: Callable[[], str], now: datetime
    ) -> tuple[str, dict[str, int]]:
        """Rewrite a person's id to their pseudonym in every table, drop their credits; the
        pseudonym and the rows changed per table. One transaction."""
        return await self.runner.write(_forget(user_id, mint, to_micros(now)))


def _pseudonyms(
    user_ids: list[str], mint: Callable[[], str], now: int
) -> Operation[dict[str, str]]:
    known: dict[str, str] = {}
    while True:
        for chunk_start in range(0, len(user_ids), 500):
            chunk = user_ids[chunk_start : chunk_start + 500]
            marks = ", ".join(f"${i}" for i in range(1, len(chunk) + 1))
            found = yield fetch(
                f"SELECT user_id, pseudonym FROM pseudonyms WHERE user_id IN ({marks})", *chunk
            )
            known.update({row[0]: row[1] for row in found})
        missing = [user for user in user_ids if user not in known]
        if not missing:
            return known
        # ON CONFLICT DO NOTHING: a pseudonym minted twice (a 1 in 2^64 chance) is tried again.
        yield execute_many(
            "INSERT INTO pseudonyms (user_id, pseudonym, created_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            [(user, mint(), now) for user in missing],
        )
        user_ids = missing


def _forget(
    user_id: str, mint: Callable[[], str], now: int
) -> Operation[tuple[str, dict[str, int]]]:
    mapping = yield from _pseudonyms([user_id], mint, now)
    pseudonym = mapping[user_id]
    yield execute("INSERT INTO forgetting (user_id, pseudonym) VALUES ($1, $2)", user_id, pseudonym)
    changed: dict[str, int] = {}
    for table, columns in IDENTITY_COLUMNS.items():
        sets = [f"{c} = CASE WHEN {c} = $1 THEN $2 ELSE {c} END" for c in columns]
        if table in ID_IN_TEXT:
            text = ID_IN_TEXT[table]
            sets.append(f"{text} = replace({text}, $1, $2)")
        changed[table] = yield execute(
            f"UPDATE {table} SET {', '.join(sets)} WHERE {_mentions(table)}", user_id, pseudonym
        )
    changed["writer_credits"] = yield execute(
        "DELETE FROM writer_credits WHERE writer_id = $1", user_id
    )
    yield execute(
        "UPDATE pseudonyms SET user_id = pseudonym, forgotten_at = $2 WHERE user_id = $1",
        user_id,
        now,
    )
    yield execute("DELETE FROM forgetting WHERE user_id = $1", user_id)
    return pseudonym, changed
