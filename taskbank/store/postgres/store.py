"""The Store protocol on PostgreSQL: a connection pool, one transaction per operation, and claims
that lock the chosen task row with FOR UPDATE SKIP LOCKED, so many processes claim at once without
waiting on each other and no task goes over its overlap.

The statements both dialects share live with their aggregates (taskbank/store/*.py) and run over
`PostgresRunner`; this module holds PostgreSQL's own: migrations, batch creation, the claim, the
submit, the tally and the scheduler lock (copying in is in copy.py beside it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

from taskbank.batchsettings import BatchSettings, TaskSpec
from taskbank.bulkmemory import release
from taskbank.clock import to_micros
from taskbank.errors import LeaseLost
from taskbank.models import Assignment, Batch, Submission, Tally, Task
from taskbank.store import batchrows, rows
from taskbank.store.batches import Batches
from taskbank.store.claims import Claims
from taskbank.store.credit import CreditQueries
from taskbank.store.ledger import Ledger
from taskbank.store.outbox import Posts
from taskbank.store.postgres import quality
from taskbank.store.postgres.copy import PostgresCopy
from taskbank.store.postgres.fairwork import PostgresFairWork
from taskbank.store.postgres.grouped import (
    CLAIM,
    CLAIM_TOGETHER,
    SUBMIT_TOGETHER,
    ClaimCall,
    Group,
    Refused,
    SubmitCall,
    claim_alone_arguments,
    claim_arguments,
    claims_by_call,
    submissions_by_call,
    submit_alone_arguments,
    submit_arguments,
)
from taskbank.store.postgres.grouped import SUBMIT as _SUBMIT
from taskbank.store.postgres.quality_flow import PostgresQualityFlow, store_quality
from taskbank.store.postgres.runner import PostgresRunner, refusing_unstorable_values, run_steps
from taskbank.store.postgres.schema import migrate, try_scheduler_lock
from taskbank.store.records import NewSubmission
from taskbank.store.reports import Reports
from taskbank.store.reviews import Reviews
from taskbank.store.submissions import Submissions, answered_before

if TYPE_CHECKING:
    from taskbank.quality.answers import StoredAnswers

T = TypeVar("T")
R = TypeVar("R")


async def _keep_session(connection: asyncpg.Connection) -> None:
    """How a connection is reset when it goes back to the pool: not at all beyond asyncpg's own
    (an open transaction is still rolled back). The default sends RESET ALL, UNLISTEN and friends
    — a round trip after every statement — for session state this store never creates: its
    settings are fixed at connect, its locks are transaction-scoped, and the scheduler's session
    lock lives on a connection of its own."""


# asyncpg encodes a COPY's rows on the event loop, and only yields when the socket pushes back,
# which on a local server it rarely does: a 50 MB batch's rows held the loop 58-109 ms at a time.
_ROWS_PER_TURN = 2_000


async def _handing_back(records: Iterable[R]) -> AsyncIterator[R]:
    """`records` as an async iterable that gives the event loop a turn every _ROWS_PER_TURN rows
    (asyncpg's copy_records_to_table takes either)."""
    for count, record in enumerate(records, 1):
        yield record
        if count % _ROWS_PER_TURN == 0:
            await asyncio.sleep(0)


def _placeholders(count: int) -> str:
    return ", ".join(f"${i}" for i in range(1, count + 1))


class PostgresStore(
    Batches,
    Claims,
    Submissions,
    Reviews,
    Ledger,
    Posts,
    Reports,
    PostgresCopy,
    PostgresQualityFlow,
    PostgresFairWork,
    CreditQueries,
):
    """The Store protocol on a PostgreSQL database (optionally inside one schema)."""

    # Its claim refuses paused writers, unaccepted terms and batches no longer open by itself
    # (claim_task, migration 0011), so TaskBank may plan claims from a moment-old list of open
    # batches instead of reading it before every claim.
    claim_rechecks_access = True

    def __init__(
        self, url: str, *, schema: str | None = None, min_size: int = 2, max_size: int = 10
    ) -> None:
        self.url = url
        self.schema = schema
        self._sizes = (min_size, max_size)
        self.runner = PostgresRunner()
        self._leader: asyncpg.Connection | None = None
        self.migrations_applied: list[int] = []
        self._claims = Group(self._claim_together, self._claim_alone)
        self._submits = Group(self._submit_together, self._submit_alone)

    async def open(self) -> None:
        """Connect, and apply any migrations not yet applied (one process at a time)."""
        settings = {"search_path": self.schema} if self.schema else None
        self.runner.pool_or_none = await asyncpg.create_pool(
            self.url,
            min_size=self._sizes[0],
            max_size=self._sizes[1],
            server_settings=settings,
            reset=_keep_session,
        )
        # Kept for `taskbot db migrate` to say what it applied.
        self.migrations_applied = await migrate(self.pool)

    async def hold_scheduler_lock(self) -> bool:
        """Whether this process runs the scheduler: it holds a session advisory lock on a connection
        of its own, so when the process dies the lock goes with it and another can take over."""
        if self._leader is not None and not self._leader.is_closed():
            return True
        self._leader = await try_scheduler_lock(self.url, self.schema)
        return self._leader is not None

    async def close(self) -> None:
        """Close the pool (and give up the scheduler lock)."""
        if self._leader is not None:
            await self._leader.close()
            self._leader = None
        if self.runner.pool_or_none is not None:
            await self.runner.pool_or_none.close()
            self.runner.pool_or_none = None

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        return self.runner.pool

    async def _read(self, sql: str, *args: Any) -> list[Any]:
        """A PostgreSQL-only read on the pool."""
        return await self.runner.fetch(sql, *args)

    async def _write(self, operation: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        with refusing_unstorable_values():
            async with self.pool.acquire() as connection, connection.transaction():
                return await operation(connection)

    # -- projects and batches --------------------------------------------------------------

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
            batchrows.prepare_batch, settings.project, settings, tasks, overlap, lease_seconds, now
        )
        project_sql = (
            f"INSERT INTO projects ({', '.join(batchrows.PROJECT_COLUMNS)})"
            f" VALUES ({_placeholders(len(batchrows.PROJECT_COLUMNS))}) ON CONFLICT (name) DO NOTHING"
        )
        batch_sql = (
            f"INSERT INTO batches ({', '.join(batchrows.BATCH_COLUMNS)})"
            f" VALUES ({_placeholders(len(batchrows.BATCH_COLUMNS))}) RETURNING id"
        )

        async def operation(connection: asyncpg.Connection) -> int:
            await connection.execute(project_sql, *prepared.project)
            project_id = await connection.fetchval(
                "SELECT id FROM projects WHERE name = $1", settings.project.name
            )
            try:
                batch_id = await connection.fetchval(batch_sql, project_id, *prepared.batch)
            except asyncpg.UniqueViolationError:
                raise batchrows.duplicate_batch_name(settings.name) from None
            try:
                await connection.copy_records_to_table(
                    "tasks",
                    columns=list(batchrows.TASK_COLUMNS),
                    records=_handing_back(prepared.task_rows(batch_id, overlap)),
                    schema_name=self.schema,
                )
            except asyncpg.UniqueViolationError:
                raise batchrows.duplicate_task_ids(prepared.tasks) from None
            if quality is not None:
                await store_quality(connection, batch_id, quality)
            return batch_id

        try:
            return await self.get_batch(await self._write(operation))
        finally:  # a million encoded rows freed at once would hold the event loop
            await asyncio.to_thread(release, prepared.tasks)

    # -- claims and answers (grouped: taskbank/store/postgres/grouped.py) --------------------

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
        # One statement, one round trip, in autocommit: claim_task (migration 0008) takes the
        # writer's lease lock, counts their live leases on a fresh snapshot, and claims in one
        # INSERT across the batches in order, locking the task row FOR UPDATE SKIP LOCKED. It returns
        # the task with the assignment, saving the round trip a card would need to fetch it.
        # Claims made in the same loop turn share that statement and its commit (claim_tasks).
        call = ClaimCall(
            writer_id,
            tuple(batch_ids),
            tuple(caps.get(batch_id) for batch_id in batch_ids),
            to_micros(now),
            max_active,
            tuple(orders) if orders is not None else ("any",) * len(batch_ids),
        )
        row = await self._claims(call)
        return None if row is None else rows.claimed(row)

    async def _claim_alone(self, call: ClaimCall) -> asyncpg.Record | None:
        return await self.pool.fetchrow(CLAIM, *claim_alone_arguments(call))

    async def _claim_together(self, calls: list[ClaimCall]) -> list[asyncpg.Record | None]:
        found = await self.pool.fetch(CLAIM_TOGETHER, *claim_arguments(calls))
        return claims_by_call(found, len(calls))

    async def insert_submission(self, new: NewSubmission, now: datetime) -> tuple[Submission, bool]:
        gold = None if new.gold_correct is None else int(new.gold_correct)
        row, replayed = await self._submits(
            SubmitCall(new, rows.dumps(new.answers), to_micros(now), gold)
        )
        return rows.submission(row, None if replayed else new.answers), replayed

    async def _submit_alone(self, call: SubmitCall) -> tuple[asyncpg.Record, bool]:
        # One atomic statement, then reads: autocommit.
        with refusing_unstorable_values():
            async with self.pool.acquire() as connection:
                try:
                    inserted = await connection.fetchrow(_SUBMIT, *submit_alone_arguments(call))
                except asyncpg.CheckViolationError:  # someone retook the expired slot meanwhile
                    raise LeaseLost("another writer has taken the slot") from None
                if inserted is not None:
                    return inserted, False
                return await run_steps(connection, answered_before(call.new, call.now)), True

    async def _submit_together(
        self, calls: list[SubmitCall]
    ) -> list[tuple[asyncpg.Record, bool] | Refused]:
        async with self.pool.acquire() as connection:
            inserted = await connection.fetch(SUBMIT_TOGETHER, *submit_arguments(calls))
            answers: list[tuple[asyncpg.Record, bool] | Refused] = []
            # Committed now; an answer that stored nothing is a repeat or a refusal, told apart
            # by the same reads as alone (a refusal reaches only its own caller).
            for call, row in zip(calls, submissions_by_call(inserted, calls), strict=True):
                if row is not None:
                    answers.append((row, False))
                    continue
                try:
                    earlier = await run_steps(connection, answered_before(call.new, call.now))
                except Exception as error:
                    answers.append(Refused(error))
                else:
                    answers.append((earlier, True))
            return answers

    # -- tallies ---------------------------------------------------------------------------

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        span = (to_micros(start), to_micros(end), writer_id)
        pay = {
            row[0]: row[1] for row in await self.runner.fetch("SELECT id, pay_cents FROM batches")
        }
        work, money = await asyncio.gather(
            self.runner.fetch(
                "SELECT writer_id, batch_id, count(*), count(*) FILTER (WHERE status = 'approved'),"
                " count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE status = 'pending'),"
                " sum(seconds_on_task)::bigint FROM submissions WHERE submitted_at >= $1 AND submitted_at < $2"
                " AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, batch_id",
                *span,
            ),
            self.runner.fetch(
                "SELECT writer_id, kind, sum(amount_cents)::bigint FROM ledger WHERE created_at >= $1"
                " AND created_at < $2 AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, kind",
                *span,
            ),
        )
        return await rows.built(
            len(work) + len(money), lambda: rows.tally(start, end, work, money, pay)
        )

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
