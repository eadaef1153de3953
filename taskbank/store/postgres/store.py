"""The Store protocol on PostgreSQL: a connection pool, one transaction per operation, and claims
that lock the chosen task row with FOR UPDATE SKIP LOCKED, so many processes claim at once without
waiting on each other and no task goes over its overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

from taskbank.batchfile import BatchSettings, TaskSpec
from taskbank.clock import to_micros
from taskbank.errors import LeaseLost, NotAllowed, NotFound, Problem, ValidationFailed
from taskbank.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    LedgerEntry,
    LedgerKind,
    Project,
    Review,
    Submission,
    Tally,
    Task,
    Verdict,
)
from taskbank.store import rows
from taskbank.store.postgres import quality
from taskbank.store.postgres.fairwork import PostgresFairWork
from taskbank.store.postgres.quality_flow import PostgresQualityFlow, store_quality
from taskbank.store.protocol import BatchCandidate, BatchProgress, NewSubmission
from taskbank.store.refusals import explain_unsubmittable

if TYPE_CHECKING:
    from taskbank.quality.answers import StoredAnswers

T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_MIGRATION_LOCK = 7_301_001  # advisory lock key: one process migrates at a time

# An answer is taken while the lease runs, whatever happened to the batch meanwhile (a lease taken
# before a pause, a close or the deadline may be finished); a late one only while the batch is
# open and nobody has taken the slot.
_SUBMIT = """
INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key, answers_json,
                         submitted_at, seconds_on_task, gold_correct)
SELECT a.id, a.task_id, a.batch_id, a.writer_id, $3, $4, $5,
       greatest(0, ($5 - a.claimed_at) / 1000000), $6
FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id JOIN batches AS b ON b.id = a.batch_id
WHERE a.id = $1 AND a.writer_id = $2
  AND (a.state = 'active' OR (a.state = 'expired' AND t.open_slots > 0))
  AND (a.lease_expires_at > $5 OR (b.state = 'open' AND (b.deadline IS NULL OR b.deadline > $5)))
ON CONFLICT DO NOTHING
RETURNING *
"""


async def _keep_session(connection: asyncpg.Connection) -> None:
    """How a connection is reset when it goes back to the pool: not at all beyond asyncpg's own
    (an open transaction is still rolled back). The default sends RESET ALL, UNLISTEN and friends
    — a round trip after every statement — for session state this store never creates: its
    settings are fixed at connect, its locks are transaction-scoped, and the scheduler's session
    lock lives on a connection of its own."""


@contextlib.contextmanager
def _refusing_unstorable_values() -> Iterator[None]:
    """Turn the driver's refusal of a value (a NUL in text, a lone surrogate, a number out of
    range) into the core's own error; the transaction it happened in was rolled back."""
    try:
        yield
    except asyncpg.CharacterNotInRepertoireError:
        raise ValidationFailed(
            [Problem("value", "contains a NUL character (U+0000), which cannot be stored")]
        ) from None
    except asyncpg.DataError as error:
        raise rows.refused_value(str(error)) from None


def _placeholders(count: int) -> str:
    return ", ".join(f"${i}" for i in range(1, count + 1))


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    import hashlib

    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def bundled_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of the PostgreSQL migrations, in order."""
    found = []
    for entry in resources.files("taskbank.store.postgres").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


class PostgresStore(PostgresQualityFlow, PostgresFairWork):
    """The Store protocol on a PostgreSQL database (optionally inside one schema)."""

    def __init__(
        self, url: str, *, schema: str | None = None, min_size: int = 2, max_size: int = 10
    ) -> None:
        self.url = url
        self.schema = schema
        self._sizes = (min_size, max_size)
        self._pool: asyncpg.Pool | None = None
        self._leader: asyncpg.Connection | None = None

    async def open(self) -> None:
        """Connect, and apply any migrations not yet applied (one process at a time)."""
        settings = {"search_path": self.schema} if self.schema else None
        self._pool = await asyncpg.create_pool(
            self.url,
            min_size=self._sizes[0],
            max_size=self._sizes[1],
            server_settings=settings,
            reset=_keep_session,
        )
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            applied = {
                row[0] for row in await connection.fetch("SELECT version FROM schema_migrations")
            }
            self.migrations_applied = []  # kept for `taskbot db migrate` to say what it applied
            for version, name, sql in bundled_migrations():
                if version not in applied:
                    self.migrations_applied.append(version)
                    await connection.execute(sql)
                    await connection.execute(
                        "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
                        version,
                        name,
                        to_micros(datetime.now(UTC)),
                    )

    async def hold_scheduler_lock(self) -> bool:
        """Whether this process runs the scheduler: it holds a session advisory lock on a connection
        of its own, so when the process dies the lock goes with it and another can take over."""
        if self._leader is not None and not self._leader.is_closed():
            return True
        settings = {"search_path": self.schema} if self.schema else None
        connection = await asyncpg.connect(self.url, server_settings=settings)
        key = _lock_key(f"taskbot-scheduler:{self.schema or 'public'}")
        if await connection.fetchval("SELECT pg_try_advisory_lock($1)", key):
            self._leader = connection
            return True
        await connection.close()
        return False

    async def close(self) -> None:
        """Close the pool (and give up the scheduler lock)."""
        if self._leader is not None:
            await self._leader.close()
            self._leader = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return self._pool

    async def _write(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        with _refusing_unstorable_values():
            async with self.pool.acquire() as connection, connection.transaction():
                return await operation(connection)

    async def _read(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self.pool.fetch(sql, *args))

    async def _read_one(self, sql: str, *args: Any, what: str) -> asyncpg.Record:
        found = await self.pool.fetchrow(sql, *args)
        if found is None:
            raise NotFound(what)
        return found

    # -- projects and batches --------------------------------------------------------------

    async def get_project(self, project_id: int) -> Project:
        return rows.project(
            await self._read_one(
                "SELECT * FROM projects WHERE id = $1", project_id, what=f"no project {project_id}"
            )
        )

    async def accept_terms(self, project_id: int, writer_id: str, now: datetime) -> None:
        await self.pool.execute(
            "INSERT INTO terms_acceptances VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            project_id,
            writer_id,
            to_micros(now),
        )

    async def create_batch(
        self,
        settings: BatchSettings,
        tasks: Sequence[TaskSpec],
        *,
        overlap: int,
        lease_seconds: int,
        now: datetime,
        quality: tuple[float | None, str] | None = None,
    ) -> Batch:
        """Store a batch, its tasks and (the first time) its project, all in one transaction:
        a refusal anywhere leaves no row at all. `quality` is the batch's (gold rate, policy
        JSON); its gold tasks then open to every writer once (control tasks)."""
        prepared = await asyncio.to_thread(
            rows.prepare_batch, settings.project, settings, tasks, overlap, lease_seconds, now
        )
        project_sql = (
            f"INSERT INTO projects ({', '.join(rows.PROJECT_COLUMNS)})"
            f" VALUES ({_placeholders(len(rows.PROJECT_COLUMNS))}) ON CONFLICT (name) DO NOTHING"
        )
        batch_sql = (
            f"INSERT INTO batches ({', '.join(rows.BATCH_COLUMNS)})"
            f" VALUES ({_placeholders(len(rows.BATCH_COLUMNS))}) RETURNING id"
        )

        async def operation(connection: asyncpg.Connection) -> int:
            await connection.execute(project_sql, *prepared.project)
            project_id = await connection.fetchval(
                "SELECT id FROM projects WHERE name = $1", settings.project.name
            )
            try:
                batch_id = await connection.fetchval(batch_sql, project_id, *prepared.batch)
            except asyncpg.UniqueViolationError:
                raise rows.duplicate_batch_name(settings.name) from None
            try:
                await connection.copy_records_to_table(
                    "tasks",
                    columns=list(rows.TASK_COLUMNS),
                    records=prepared.task_rows(batch_id, overlap),
                    schema_name=self.schema,
                )
            except asyncpg.UniqueViolationError:
                raise rows.duplicate_task_ids(prepared.tasks) from None
            if quality is not None:
                await store_quality(connection, batch_id, quality)
            return batch_id

        return await self.get_batch(await self._write(operation))

    async def get_batch(self, batch_id: int) -> Batch:
        return rows.batch(
            await self._read_one(
                "SELECT * FROM batches WHERE id = $1", batch_id, what=f"no batch {batch_id}"
            )
        )

    async def list_batches(self) -> list[Batch]:
        return [
            rows.batch(row) for row in await self._read("SELECT * FROM batches ORDER BY id DESC")
        ]

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        status = await self.pool.execute(
            "UPDATE batches SET state = $1 WHERE id = $2", state.value, batch_id
        )
        if status.endswith(" 0"):
            raise NotFound(f"no batch {batch_id}")
        return await self.get_batch(batch_id)

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        batch = await self.get_batch(batch_id)
        tasks = await self.pool.fetchval("SELECT count(*) FROM tasks WHERE batch_id = $1", batch_id)
        assignments = await self._read(
            "SELECT state, count(*) FROM assignments WHERE batch_id = $1 GROUP BY state", batch_id
        )
        submissions = await self._read(
            "SELECT status, count(*), min(submitted_at), max(submitted_at) FROM submissions"
            " WHERE batch_id = $1 GROUP BY status",
            batch_id,
        )
        return rows.batch_progress(batch, tasks, assignments, submissions)

    # -- claims ----------------------------------------------------------------------------

    async def claim_candidates(self, writer_id: str) -> list[BatchCandidate]:
        found = await self._read(
            "SELECT b.id, b.project_id, p.name AS project_name, b.template, b.pay_cents, b.deadline,"
            " (p.terms IS NOT NULL AND ta.writer_id IS NULL) AS needs_terms, p.budget_cap_cents,"
            " EXISTS (SELECT 1 FROM writer_pauses AS wp WHERE wp.batch_id = b.id"
            " AND wp.writer_id = $1 AND wp.reinstated_at IS NULL) AS paused"
            " FROM batches AS b JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN terms_acceptances AS ta ON ta.project_id = p.id AND ta.writer_id = $1"
            " WHERE b.state = 'open' ORDER BY b.priority DESC, b.created_at, b.id",
            writer_id,
        )
        return [rows.batch_candidate(row) for row in found]

    async def claim(
        self,
        writer_id: str,
        batch_ids: Sequence[int],
        caps: dict[int, int],
        now: datetime,
        max_active: int = 1,
        orders: Sequence[str] | None = None,
    ) -> tuple[Assignment, Task] | None:
        # `orders` gives per batch the kinds of task to try (gold mixing, migration 0004).
        # One statement, one round trip, in autocommit: claim_task (migration 0003) takes the
        # writer's lease lock, counts their live leases on a fresh snapshot, and tries the
        # batches in order, each claim locking its task row FOR UPDATE SKIP LOCKED. It returns
        # the task with the assignment, saving the round trip a card would need to fetch it.
        row = await self.pool.fetchrow(
            "SELECT * FROM claim_task($1, $2::bigint[], $3::bigint[], $4, $5, $6::text[])",
            writer_id,
            list(batch_ids),
            [caps.get(batch_id) for batch_id in batch_ids],
            to_micros(now),
            max_active,
            list(orders) if orders is not None else ["any"] * len(batch_ids),
        )
        return None if row is None else rows.claimed(row)

    async def get_task(self, task_id: int) -> Task:
        return rows.task(
            await self._read_one(
                "SELECT * FROM tasks WHERE id = $1", task_id, what=f"no task {task_id}"
            )
        )

    async def get_assignment(self, assignment_id: int) -> Assignment:
        return rows.assignment(
            await self._read_one(
                "SELECT * FROM assignments WHERE id = $1",
                assignment_id,
                what=f"no assignment {assignment_id}",
            )
        )

    async def active_assignments(self, writer_id: str) -> list[Assignment]:
        found = await self._read(
            "SELECT * FROM assignments WHERE writer_id = $1 AND state = 'active' ORDER BY id",
            writer_id,
        )
        return [rows.assignment(row) for row in found]

    async def insert_submission(self, new: NewSubmission, now: datetime) -> tuple[Submission, bool]:
        gold = None if new.gold_correct is None else int(new.gold_correct)

        async def operation(connection: asyncpg.Connection) -> tuple[asyncpg.Record, bool]:
            try:
                inserted = await connection.fetchrow(
                    _SUBMIT,
                    new.assignment_id,
                    new.writer_id,
                    new.client_key,
                    rows.dumps(new.answers),
                    to_micros(now),
                    gold,
                )
            except asyncpg.CheckViolationError:  # someone retook the expired slot meanwhile
                raise LeaseLost("the lease ran out and another writer has taken the slot") from None
            if inserted is not None:
                return inserted, False
            earlier = await connection.fetchrow(
                "SELECT * FROM submissions WHERE client_key = $1 OR assignment_id = $2"
                " ORDER BY (assignment_id = $2) DESC LIMIT 1",
                new.client_key,
                new.assignment_id,
            )
            if earlier is not None:
                if (
                    earlier["writer_id"] != new.writer_id
                    or earlier["assignment_id"] != new.assignment_id
                ):
                    raise NotAllowed("that client key was already used for another answer")
                return earlier, True
            await _explain_unsubmittable(
                connection, new.assignment_id, new.writer_id, to_micros(now)
            )
            raise AssertionError("unreachable")  # pragma: no cover

        # One atomic statement, then reads: autocommit.
        with _refusing_unstorable_values():
            async with self.pool.acquire() as connection:
                row, replayed = await operation(connection)
        return rows.submission(row), replayed

    async def end_assignment(
        self, assignment_id: int, writer_id: str, state: AssignmentState, now: datetime
    ) -> Assignment:
        async def operation(connection: asyncpg.Connection) -> asyncpg.Record:
            found = await connection.fetchrow(
                "UPDATE assignments SET state = $1, ended_at = $2"
                " WHERE id = $3 AND writer_id = $4 AND state IN ('active', 'expired') RETURNING *",
                state.value,
                to_micros(now),
                assignment_id,
                writer_id,
            )
            if found is None:
                await _explain_unsubmittable(connection, assignment_id, writer_id)
            return found

        return rows.assignment(await self._write(operation))

    async def expire_leases(self, now: datetime) -> list[Assignment]:
        found = await self._read(
            "UPDATE assignments SET state = 'expired', ended_at = lease_expires_at"
            " WHERE state = 'active' AND lease_expires_at <= $1 RETURNING *",
            to_micros(now),
        )
        return [rows.assignment(row) for row in found]

    async def save_draft(self, assignment_id: int, answers: dict[str, Any], now: datetime) -> None:
        with _refusing_unstorable_values():
            await self.pool.execute(
                "INSERT INTO drafts VALUES ($1, $2, $3) ON CONFLICT (assignment_id) DO UPDATE"
                " SET answers_json = excluded.answers_json, updated_at = excluded.updated_at",
                assignment_id,
                rows.dumps(answers),
                to_micros(now),
            )

    async def get_draft(self, assignment_id: int) -> dict[str, Any]:
        found = await self.pool.fetchval(
            "SELECT answers_json FROM drafts WHERE assignment_id = $1", assignment_id
        )
        return json.loads(found) if found else {}

    async def first_delivery(self, key: str, now: datetime, keep_since: datetime) -> bool:
        """Record an inbound delivery; True only the first time its key is seen."""

        async def operation(connection: asyncpg.Connection) -> bool:
            await connection.execute(
                "DELETE FROM deliveries WHERE received_at < $1", to_micros(keep_since)
            )
            return (
                await connection.fetchval(
                    "INSERT INTO deliveries (key, received_at) VALUES ($1, $2)"
                    " ON CONFLICT DO NOTHING RETURNING key",
                    key,
                    to_micros(now),
                )
                is not None
            )

        return await self._write(operation)

    async def link_message(self, ref: str, kind: str, subject_id: int, now: datetime) -> None:
        await self.pool.execute(
            "INSERT INTO message_links VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            ref,
            kind,
            subject_id,
            to_micros(now),
        )

    async def linked_subject(self, ref: str, kind: str) -> int | None:
        return await self.pool.fetchval(
            "SELECT subject_id FROM message_links WHERE ref = $1 AND kind = $2", ref, kind
        )

    async def linked_refs(self, kind: str, subject_id: int) -> list[str]:
        found = await self.pool.fetch(
            "SELECT ref FROM message_links WHERE kind = $1 AND subject_id = $2 ORDER BY created_at",
            kind,
            subject_id,
        )
        return [row[0] for row in found]

    async def task_submissions(self, task_id: int) -> list[Submission]:
        found = await self.pool.fetch(
            "SELECT * FROM submissions WHERE task_id = $1 ORDER BY id", task_id
        )
        return [rows.submission(row) for row in found]

    # -- copying in and out ----------------------------------------------------------------

    async def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        found = await self._read(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
            " AND table_schema = current_schema() ORDER BY ordinal_position",
            table,
        )
        return [row[0] for row in found]

    async def table_chunks(
        self, table: str, columns: list[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """A table's rows in chunks of `size`."""
        async with self.pool.acquire() as connection, connection.transaction():
            cursor = await connection.cursor(f"SELECT {', '.join(columns)} FROM {table}")
            while chunk := await cursor.fetch(size):
                yield [tuple(row) for row in chunk]

    async def table_count(self, table: str) -> int:
        """How many rows a table holds."""
        return await self.pool.fetchval(f"SELECT count(*) FROM {table}")

    async def ledger_total(self) -> int:
        """The sum of every ledger entry, in cents."""
        return await self.pool.fetchval("SELECT coalesce(sum(amount_cents), 0)::bigint FROM ledger")

    async def load_copy(
        self,
        source: Any,
        tables: Sequence[str],
        chunk: int,
        expected: dict[str, int],
        ledger: int,
        progress: Callable[[str, int], None] | None = None,
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

    # -- scheduled posts -------------------------------------------------------------------

    async def record_post(self, job: str, period_key: str, recipient: str, now: datetime) -> str:
        async def operation(connection: asyncpg.Connection) -> str:
            status = await connection.execute(
                "INSERT INTO posts (job, period_key, recipient, state, created_at)"
                " VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT DO NOTHING",
                job,
                period_key,
                recipient,
                to_micros(now),
            )
            if status == "INSERT 0 1":
                return "new"
            return await connection.fetchval(
                "SELECT state FROM posts WHERE job = $1 AND period_key = $2 AND recipient = $3",
                job,
                period_key,
                recipient,
            )

        return await self._write(operation)

    async def mark_post_sent(
        self, job: str, period_key: str, recipient: str, now: datetime
    ) -> None:
        await self.pool.execute(
            "UPDATE posts SET state = 'sent', sent_at = $1 WHERE job = $2 AND period_key = $3 AND recipient = $4",
            to_micros(now),
            job,
            period_key,
            recipient,
        )

    async def posts(self, job: str, state: str | None = None) -> list[tuple[str, str, str]]:
        found = await self._read(
            "SELECT period_key, recipient, state FROM posts WHERE job = $1 AND ($2::text IS NULL OR state = $2)"
            " ORDER BY created_at, period_key, recipient",
            job,
            state,
        )
        return [(row[0], row[1], row[2]) for row in found]

    async def activity_by_quarter_hour(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        span = (to_micros(start), to_micros(end))
        quarter = 900_000_000
        money, work = await asyncio.gather(
            self._read(
                f"SELECT created_at / {quarter} * {quarter}, sum(amount_cents)::bigint FROM ledger"
                " WHERE created_at >= $1 AND created_at < $2 GROUP BY 1",
                *span,
            ),
            self._read(
                f"SELECT submitted_at / {quarter} * {quarter}, count(*) FROM submissions"
                " WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY 1",
                *span,
            ),
        )
        return rows.activity(money, work)

    async def project_spend(self) -> list[tuple[Project, int]]:
        found = await self._read(
            "SELECT p.*, coalesce((SELECT sum(l.amount_cents) FROM ledger AS l"
            " JOIN batches AS b ON b.id = l.batch_id WHERE b.project_id = p.id), 0)::bigint AS spent"
            " FROM projects AS p ORDER BY p.id"
        )
        return [(rows.project(row), row["spent"]) for row in found]

    async def writer_projects(self, start: datetime, end: datetime) -> dict[str, set[int]]:
        found = await self._read(
            "SELECT DISTINCT s.writer_id, b.project_id FROM submissions AS s JOIN batches AS b"
            " ON b.id = s.batch_id WHERE s.submitted_at >= $1 AND s.submitted_at < $2",
            to_micros(start),
            to_micros(end),
        )
        projects: dict[str, set[int]] = {}
        for writer, project_id in found:
            projects.setdefault(writer, set()).add(project_id)
        return projects

    async def pending_gold_submissions(self) -> list[Submission]:
        found = await self._read(
            "SELECT * FROM submissions WHERE status = 'pending' AND gold_correct IS NOT NULL ORDER BY id"
        )
        return [rows.submission(row) for row in found]

    # -- submissions and reviews -----------------------------------------------------------

    async def get_submission(self, submission_id: int) -> Submission:
        return rows.submission(
            await self._read_one(
                "SELECT * FROM submissions WHERE id = $1",
                submission_id,
                what=f"no submission {submission_id}",
            )
        )

    async def submission_for_assignment(self, assignment_id: int) -> Submission | None:
        found = await self.pool.fetchrow(
            "SELECT * FROM submissions WHERE assignment_id = $1", assignment_id
        )
        return rows.submission(found) if found else None

    async def unsampled_submissions(self, batch_id: int | None) -> list[Submission]:
        found = await self._read(
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.status = 'pending' AND s.sampled_at IS NULL AND t.gold_json IS NULL"
            " AND ($1::bigint IS NULL OR s.batch_id = $1) ORDER BY s.submitted_at, s.id",
            batch_id,
        )
        return [rows.submission(row) for row in found]

    async def mark_sampled(self, submission_ids: Sequence[int], now: datetime) -> None:
        await self.pool.execute(
            "UPDATE submissions SET sampled_at = $1 WHERE id = ANY($2::bigint[]) AND sampled_at IS NULL",
            to_micros(now),
            list(submission_ids),
        )

    async def next_sampled_for(self, reviewer_id: str) -> Submission | None:
        found = await self.pool.fetchrow(
            "SELECT * FROM submissions WHERE status = 'pending' AND sampled_at IS NOT NULL"
            " AND writer_id != $1 AND NOT EXISTS (SELECT 1 FROM message_links"
            " WHERE kind = 'review-pass' AND ref = 'pass/' || $1 || '/' || submissions.id)"
            " ORDER BY sampled_at, id LIMIT 1",
            reviewer_id,
        )
        return rows.submission(found) if found else None

    async def insert_review(
        self,
        submission_id: int,
        reviewer_id: str,
        verdict: Verdict,
        reason: str | None,
        now: datetime,
        *,
        automatic: bool = False,
    ) -> tuple[Review, bool]:
        async def operation(connection: asyncpg.Connection) -> tuple[asyncpg.Record, bool]:
            inserted = await connection.fetchrow(
                "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
                " SELECT id, $1, $2, $3, $4, $5 FROM submissions WHERE id = $6 AND writer_id != $1"
                " ON CONFLICT (submission_id) DO NOTHING RETURNING *",
                reviewer_id,
                verdict.value,
                reason,
                to_micros(now),
                int(automatic),
                submission_id,
            )
            if inserted is not None:
                return inserted, True
            earlier = await connection.fetchrow(
                "SELECT * FROM reviews WHERE submission_id = $1", submission_id
            )
            if earlier is not None:
                return earlier, False
            if (
                await connection.fetchval(
                    "SELECT writer_id FROM submissions WHERE id = $1", submission_id
                )
                is None
            ):
                raise NotFound(f"no submission {submission_id}")
            raise NotAllowed("a reviewer cannot judge their own work")

        row, recorded = await self._write(operation)
        return rows.review(row), recorded

    async def get_review(self, submission_id: int) -> Review | None:
        found = await self.pool.fetchrow(
            "SELECT * FROM reviews WHERE submission_id = $1", submission_id
        )
        return rows.review(found) if found else None

    async def auto_approve(self, submitted_before: datetime, now: datetime) -> int:
        status = await self.pool.execute(
            "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
            " SELECT id, 'auto', 'approved', NULL, $1, 1 FROM submissions"
            " WHERE status = 'pending' AND submitted_at < $2 ORDER BY id ON CONFLICT DO NOTHING",
            to_micros(now),
            to_micros(submitted_before),
        )
        return int(status.rsplit(" ", 1)[1])

    # -- ledger and tallies ----------------------------------------------------------------

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        with _refusing_unstorable_values():
            row = await self.pool.fetchrow(
                "INSERT INTO ledger (writer_id, kind, amount_cents, batch_id, note, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                writer_id,
                kind.value,
                amount_cents,
                batch_id,
                note,
                to_micros(now),
            )
        return rows.ledger_entry(row)

    async def ledger_entries(self, writer_id: str | None = None) -> list[LedgerEntry]:
        found = await self._read(
            "SELECT * FROM ledger WHERE ($1::text IS NULL OR writer_id = $1) ORDER BY id", writer_id
        )
        return [rows.ledger_entry(row) for row in found]

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        span = (to_micros(start), to_micros(end), writer_id)
        pay = {row[0]: row[1] for row in await self._read("SELECT id, pay_cents FROM batches")}
        work, money = await asyncio.gather(
            self._read(
                "SELECT writer_id, batch_id, count(*), count(*) FILTER (WHERE status = 'approved'),"
                " count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE status = 'pending'),"
                " sum(seconds_on_task)::bigint FROM submissions WHERE submitted_at >= $1 AND submitted_at < $2"
                " AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, batch_id",
                *span,
            ),
            self._read(
                "SELECT writer_id, kind, sum(amount_cents)::bigint FROM ledger WHERE created_at >= $1"
                " AND created_at < $2 AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, kind",
                *span,
            ),
        )
        return rows.tally(start, end, work, money, pay)

    async def export_rows(self, batch_id: int) -> AsyncIterator[dict[str, Any]]:
        async with self.pool.acquire() as connection, connection.transaction():
            cursor = connection.cursor(
                "SELECT s.id AS submission_id, t.external_id, t.payload_json, t.gold_json,"
                " s.writer_id, s.submitted_at,"
                " s.seconds_on_task, s.status, s.answers_json, s.gold_correct, r.reviewer_id,"
                " r.reviewed_at, r.reason, r.automatic, b.name AS batch, b.template,"
                " b.template_version, p.name AS project"
                " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
                " JOIN batches AS b ON b.id = s.batch_id JOIN projects AS p ON p.id = b.project_id"
                " LEFT JOIN reviews AS r ON r.submission_id = s.id WHERE s.batch_id = $1 ORDER BY s.id",
                batch_id,
                prefetch=500,
            )
            async for row in cursor:
                record = dict(row)
                record["answers"] = json.loads(record.pop("answers_json"))
                record["payload"] = json.loads(record.pop("payload_json"))
                gold = record.pop("gold_json")
                record["gold"] = None if gold is None else json.loads(gold)
                yield record

    # -- quality figures (the reads live in taskbank/store/postgres/quality.py) ---------------

    async def quality_answers(
        self, batch_id: int, option_fields: dict[str, str] | None = None
    ) -> StoredAnswers:
        """Every answer of a batch in columns, for agreement and consensus."""
        return await quality.quality_answers(self._read, batch_id, option_fields)

    async def review_counts(self, batch_id: int) -> dict[str, tuple[int, int]]:
        """Per writer, (approved, rejected) verdicts by people on a batch."""
        return await quality.review_counts(self._read, batch_id)

    async def batches_answered_between(self, start: datetime, end: datetime) -> list[int]:
        """The batches that received answers in a period."""
        return await quality.batches_answered_between(self._read, start, end)


async def _explain_unsubmittable(
    connection: asyncpg.Connection, assignment_id: int, writer_id: str, now: int | None = None
) -> None:
    """Raise the error that says why this assignment cannot be answered or ended."""
    found = await connection.fetchrow(
        "SELECT a.writer_id, a.state, a.lease_expires_at, b.state, b.deadline"
        " FROM assignments AS a JOIN batches AS b ON b.id = a.batch_id WHERE a.id = $1",
        assignment_id,
    )
    explain_unsubmittable(found, assignment_id, writer_id, now)
